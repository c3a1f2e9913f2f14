package io.stepwise.e2e;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Kafka broker in a process of its own, as a user runs it ({@code stepwise kafka}), started from
 * this JVM's class path. Its PID is kept in {@code DIR/pid}, so that a run killed before it could
 * clean up is cleaned up by the next one.
 */
final class KafkaProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private KafkaProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a fresh broker with its data under {@code dir}; returns once it serves. */
    static KafkaProcess start(Path dir) throws IOException, InterruptedException {
        dir = dir.toAbsolutePath();
        killLeftover(dir);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        int port = freePort();
        int controllerPort = freePort();
        Path cp = dir.resolve("classpath.args");
        Files.writeString(cp, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
        Path log = dir.resolve("kafka.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                marker(dir), "-Xmx512m", "@" + cp, "io.stepwise.cli.Stepwise",
                "kafka", "--port", String.valueOf(port), "--controller-port", String.valueOf(controllerPort), "--dir", dir.resolve("data").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Files.writeString(dir.resolve("pid"), String.valueOf(p.pid()));
        KafkaProcess kafka = new KafkaProcess(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains("broker ready")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                kafka.close();
                throw new IOException("the Kafka process did not come up; its log:\n" + Files.readString(log));
            }
            Thread.sleep(300);
        }
        return kafka;
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public void close() {
        stop(process.toHandle());
    }

    private static void stop(ProcessHandle h) {
        h.destroy();
        try {
            h.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception stillRunning) {
            h.destroyForcibly();
        }
    }

    private static String marker(Path dir) {
        return "-Dstepwise.test.kafka=" + dir;
    }

    private static void killLeftover(Path dir) throws IOException {
        Path pid = dir.resolve("pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
                    .filter(h -> h.info().arguments().map(a -> Arrays.asList(a).contains(marker(dir))).orElse(false))
                    .ifPresent(KafkaProcess::stop);
        }
    }

    /** Where ports are looked for: below Linux's default ephemeral range (32768-60999). */
    private static final int PORTS_FROM = 20_000;
    private static final int PORTS_TO = 32_000;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now, for a process started later. Not from the ephemeral range that
     * {@code new ServerSocket(0)} draws from: between this call and the process binding it, any
     * port-0 bind or outgoing connection of this machine may take an ephemeral port, and one CI run
     * lost its JobManager that way (its own blob server or a Kafka client took the REST port in the
     * seconds the JVM needed to start). Below that range nothing is handed out implicitly; a port is
     * also never handed out twice by this JVM, since the first may not be bound yet.
     */
    static int freePort() throws IOException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = PORTS_FROM + rng.nextInt(PORTS_TO - PORTS_FROM);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free port between " + PORTS_FROM + " and " + PORTS_TO + " after 1000 tries");
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
