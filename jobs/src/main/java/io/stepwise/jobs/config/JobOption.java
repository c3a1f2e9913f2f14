package io.stepwise.jobs.config;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One command-line option of a job, declared once: its names (the first is the one to use, the
 * rest are old spellings kept as aliases), what it sets on the job's settings builder, and the
 * default it shows, read from a fresh builder so that a default is written in one place only.
 * The jobs' {@code main} classes parse these ({@link OptionGroup#parse}); the {@code stepwise}
 * command line shows and takes the same declarations. Every occurrence of an option is applied in
 * order; a {@code multiple} one is meant to be given several times (each adds to a list), and
 * the command line shows it so.
 *
 * @param <B> the settings builder the option sets
 */
public record JobOption<B>(List<String> names, String paramLabel, String description, Function<B, Object> defaultOf,
                           BiConsumer<B, String> apply, boolean multiple) {

    /** An option given once (the last occurrence wins). */
    public JobOption(List<String> names, String paramLabel, String description, Function<B, Object> defaultOf,
                     BiConsumer<B, String> apply) {
        this(names, paramLabel, description, defaultOf, apply, false);
    }

    public JobOption {
        if (names.isEmpty() || names.stream().anyMatch(n -> !n.startsWith("--"))) {
            throw new IllegalArgumentException("option names start with --: " + names);
        }
        names = List.copyOf(names);
    }

    /** An option that takes a value, e.g. {@code --idle-timeout 30m}. */
    public static <B> JobOption<B> value(String name, String paramLabel, String description, Function<B, Object> defaultOf,
                                         BiConsumer<B, String> apply) {
        return new JobOption<>(List.of(name), paramLabel, description, defaultOf, apply);
    }

    /** An option without a value, e.g. {@code --at-least-once}; given, it applies with "true". */
    public static <B> JobOption<B> flag(String name, String description, BiConsumer<B, String> apply) {
        return new JobOption<>(List.of(name), null, description, null, apply);
    }

    /** This option also answering to {@code oldNames}, kept for one release. */
    public JobOption<B> alias(String... oldNames) {
        List<String> all = new java.util.ArrayList<>(names);
        all.addAll(List.of(oldNames));
        return new JobOption<>(all, paramLabel, description, defaultOf, apply, multiple);
    }

    /** This option, meant to be given several times, each occurrence adding to what the others gave. */
    public JobOption<B> repeatable() {
        return new JobOption<>(names, paramLabel, description, defaultOf, apply, true);
    }

    public String name() {
        return names.get(0);
    }

    public boolean isFlag() {
        return paramLabel == null;
    }

    /** The default as text, from a fresh builder; null when the option has none. */
    public String defaultText(B fresh) {
        if (defaultOf == null) {
            return null;
        }
        Object v = defaultOf.apply(fresh);
        return v == null ? null : v instanceof java.time.Duration d ? Durations.format(d) : String.valueOf(v);
    }

    /** The same option setting a part of a larger builder, reached through {@code part}. */
    public <P> JobOption<P> on(Function<P, B> part) {
        Function<P, Object> d = defaultOf == null ? null : p -> defaultOf.apply(part.apply(p));
        return new JobOption<>(names, paramLabel, description, d, (p, v) -> apply.accept(part.apply(p), v), multiple);
    }
}
