package io.stepwise.jobs.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The options of a job (or of a part of one, such as its Kafka connection), in the order its
 * usage lists them, with a parser for a job's {@code main}: {@code --name value}, {@code --name=value}
 * and flags, each applied to the job's settings builder. A bad argument is an
 * IllegalArgumentException whose message names it; {@code --help} prints {@link #usage}.
 *
 * @param <B> the settings builder the options set
 */
public final class OptionGroup<B> {

    private final String title;
    private final List<JobOption<B>> options;

    @SafeVarargs
    public OptionGroup(String title, JobOption<B>... options) {
        this(title, List.of(options));
    }

    public OptionGroup(String title, List<JobOption<B>> options) {
        this.title = title;
        this.options = List.copyOf(options);
    }

    public String title() {
        return title;
    }

    public List<JobOption<B>> options() {
        return options;
    }

    /** This group's options setting a part of a larger builder. */
    public <P> OptionGroup<P> on(Function<P, B> part) {
        return new OptionGroup<>(title, options.stream().map(o -> o.on(part)).toList());
    }

    /** Several groups as one, for parsing; their titles stay apart in {@link #usage}. */
    @SafeVarargs
    public static <B> List<OptionGroup<B>> of(OptionGroup<B>... groups) {
        return List.of(groups);
    }

    /** Applies {@code args} to a builder from {@code fresh} and returns it. */
    public static <B> B parse(String[] args, List<OptionGroup<B>> groups, Supplier<B> fresh) {
        Map<String, JobOption<B>> byName = new HashMap<>();
        for (OptionGroup<B> g : groups) {
            for (JobOption<B> o : g.options) {
                for (String n : o.names()) {
                    if (byName.put(n, o) != null) {
                        throw new IllegalStateException("option " + n + " declared twice");
                    }
                }
            }
        }
        B builder = fresh.get();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            JobOption<B> o = byName.get(name);
            if (o == null) {
                throw new IllegalArgumentException("unknown option '" + arg + "'" + (arg.startsWith("--") ? "" : " (options start with --)"));
            }
            if (o.isFlag()) {
                if (value != null) {
                    throw new IllegalArgumentException(name + " takes no value");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value (" + o.paramLabel() + ")");
                }
                value = args[++i];
            }
            o.apply().accept(builder, value);
        }
        return builder;
    }

    /** The options of {@code groups} as a usage text, each with its default. */
    public static <B> String usage(String command, List<OptionGroup<B>> groups, Supplier<B> fresh) {
        B defaults = fresh.get();
        StringBuilder s = new StringBuilder("Usage: ").append(command).append(" [OPTIONS]\n");
        for (OptionGroup<B> g : groups) {
            s.append('\n').append(g.title).append(":\n");
            for (JobOption<B> o : g.options) {
                String names = String.join(", ", o.names()) + (o.isFlag() ? "" : " " + o.paramLabel());
                String d = o.defaultText(defaults);
                s.append(String.format("  %-34s %s%s%n", names, o.description(), d == null ? "" : " (default: " + d + ")"));
            }
        }
        return s.toString();
    }

    /** Whether {@code args} ask for the usage. */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** Values for {@code --name} from a text: positive integers, with the option named in the error. */
    public static int positive(String option, String text) {
        int v = integer(option, text);
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + v);
        }
        return v;
    }

    public static int integer(String option, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be an integer, got '" + text + "'");
        }
    }

    public static double number(String option, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, got '" + text + "'");
        }
    }

    /** A size in bytes: a number, or with a unit (KiB, MiB, GiB; k, m, g count the same), e.g. 256MiB. */
    public static long bytes(String option, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\\s*(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)\\s*").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " must be a size in bytes such as 268435456 or 256MiB, got '" + text + "'");
        }
        String unit = m.group(2).toLowerCase(java.util.Locale.ROOT);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        try {
            long v = Long.parseLong(m.group(1));
            if (v > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return v << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " is too large: '" + text + "'");
        }
    }

    /** {@code bytes} as {@link #bytes} reads it, in the largest unit that divides it. */
    public static String formatBytes(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes > 0 && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return String.valueOf(bytes);
    }

    /** A copy of {@code list} with {@code more} appended; for option lists built from parts. */
    static <T> List<T> plus(List<T> list, List<T> more) {
        List<T> all = new ArrayList<>(list);
        all.addAll(more);
        return all;
    }
}
