package io.stepwise.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stepwise train}: trains one of the tutorial's two models. */
@Command(name = "train",
        description = "Trains a model and writes it as a model version file.",
        subcommands = {TrainTaggerCommand.class, TrainSumCommand.class})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("stepwise train: which model? tagger or sum");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
