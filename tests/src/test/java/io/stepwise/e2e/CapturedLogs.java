package io.stepwise.e2e;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything this JVM prints while it is open (the build's SLF4J binding, slf4j-simple, writes every
 * log line to standard error), still shown as usual. Loggers named at start log at INFO meanwhile:
 * Kafka's client configurations are dumped at INFO, and what they show is what a test may need to see.
 */
final class CapturedLogs implements AutoCloseable {

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final Map<Logger, Integer> levels = new LinkedHashMap<>();

    private CapturedLogs(String... infoLoggers) {
        for (String name : infoLoggers) {
            Logger l = LoggerFactory.getLogger(name);
            Integer before = level(l, 20); // slf4j-simple's INFO
            if (before != null) {
                levels.put(l, before);
            }
        }
        System.setOut(new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, captured), true, StandardCharsets.UTF_8));
    }

    static CapturedLogs start(String... infoLoggers) {
        return new CapturedLogs(infoLoggers);
    }

    /** Whether the named loggers could be set to INFO (they are slf4j-simple's). */
    boolean infoEnabled() {
        return !levels.isEmpty() && levels.keySet().stream().allMatch(Logger::isInfoEnabled);
    }

    String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
        levels.forEach(CapturedLogs::level);
    }

    /** Sets slf4j-simple's level of {@code l}, returning the one it had; null for another binding. */
    private static Integer level(Logger l, int level) {
        try {
            Field f = l.getClass().getDeclaredField("currentLogLevel");
            f.setAccessible(true);
            int before = f.getInt(l);
            f.setInt(l, level);
            return before;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream shown;
        private final ByteArrayOutputStream kept;

        Tee(OutputStream shown, ByteArrayOutputStream kept) {
            this.shown = shown;
            this.kept = kept;
        }

        @Override
        public void write(int b) {
            synchronized (kept) {
                kept.write(b);
            }
            try {
                shown.write(b);
            } catch (java.io.IOException e) {
                // the console is gone: keep capturing
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (kept) {
                kept.write(b, off, len);
            }
            try {
                shown.write(b, off, len);
            } catch (java.io.IOException e) {
                // the console is gone: keep capturing
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            shown.flush();
        }
    }
}
