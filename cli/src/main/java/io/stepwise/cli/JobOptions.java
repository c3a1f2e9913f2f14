package io.stepwise.cli;

import io.stepwise.jobs.config.JobOption;
import io.stepwise.jobs.config.OptionGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A job's option declarations ({@link JobOption}, in the jobs module) as picocli options: the
 * command line shows the same names, defaults and descriptions the jobs' {@code main} classes take,
 * and hands what was given to the same settings builder, so that an option is declared, defaulted
 * and converted in one place. Each group becomes a section of {@code --help}.
 */
final class JobOptions {

    private JobOptions() {
    }

    /** {@code spec} with {@code groups}' options added, each group under its title. */
    static <B> CommandSpec addTo(CommandSpec spec, List<OptionGroup<B>> groups, Supplier<B> fresh) {
        B defaults = fresh.get();
        for (OptionGroup<B> g : groups) {
            ArgGroupSpec.Builder section = ArgGroupSpec.builder().heading("%n" + g.title() + ":%n").exclusive(false).multiplicity("0..1");
            for (JobOption<B> o : g.options()) {
                String d = o.defaultText(defaults);
                OptionSpec.Builder b = OptionSpec.builder(o.names().toArray(String[]::new))
                        .description(o.description() + (d == null ? "" : " (default: " + d + ")")
                                + (o.names().size() > 1 ? " " + String.join(", ", o.names().subList(1, o.names().size()))
                                + ": the old spelling, kept for one release." : ""));
                if (o.isFlag()) {
                    b.arity("0").type(boolean.class);
                } else if (o.multiple()) {
                    // every occurrence kept and applied in order, as the jobs' own parser does
                    b.arity("1").type(List.class).auxiliaryTypes(String.class).paramLabel(o.paramLabel());
                } else {
                    b.arity("1").type(String.class).paramLabel(o.paramLabel());
                }
                section.addArg(b.build());
            }
            spec.addArgGroup(section.build());
        }
        return spec;
    }

    /** The builder with every option the command line matched applied, in the order given. */
    static <B> B settings(ParseResult parsed, List<OptionGroup<B>> groups, Supplier<B> fresh) {
        Map<String, JobOption<B>> byName = new HashMap<>();
        for (OptionGroup<B> g : groups) {
            for (JobOption<B> o : g.options()) {
                o.names().forEach(n -> byName.put(n, o));
            }
        }
        B builder = fresh.get();
        // an option given several times is matched several times, with all its values each time: apply it once
        java.util.Set<ArgSpec> applied = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (ArgSpec arg : parsed.matchedArgs()) {
            if (!(arg instanceof OptionSpec opt) || !applied.add(arg)) {
                continue;
            }
            JobOption<B> o = byName.get(opt.longestName());
            if (o == null) {
                continue; // one of the command's own options
            }
            if (o.isFlag()) {
                o.apply().accept(builder, "true");
            } else {
                for (String v : opt.originalStringValues()) {
                    o.apply().accept(builder, v);
                }
            }
        }
        return builder;
    }
}
