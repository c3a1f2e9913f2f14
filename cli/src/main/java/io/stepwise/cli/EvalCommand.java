package io.stepwise.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stepwise eval}: scores a model version on held-out data. */
@Command(name = "eval",
        description = "Evaluates a model version file on held-out data.",
        subcommands = {EvalTaggerCommand.class})
public final class EvalCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("stepwise eval: which model kind? tagger");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
