package io.stepwise.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stepwise} command line: one subcommand per job or tool. */
@Command(name = "stepwise",
        mixinStandardHelpOptions = true,
        versionProvider = Stepwise.Version.class,
        description = "LSTM sequence models over live streams on Apache Flink.%n",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            KafkaCommand.class,
            ClusterCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            RecordCommand.class,
            ReplayCommand.class,
            PublishCommand.class,
            KeysCommand.class,
            ImportTorchCommand.class,
            ExportTorchCommand.class,
            CheckTorchCommand.class,
            DataCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Stepwise implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests execute it in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Stepwise());
        cl.setExecutionExceptionHandler(Stepwise::handleError);
        cl.setParameterExceptionHandler(Stepwise::handleBadArguments);
        return cl;
    }

    /**
     * Errors a user can fix (a missing file, a bad option value, a refused model file) print one
     * line that says what is wrong, without a stack trace, and exit with 2; anything else is a bug
     * and shows its stack trace.
     */
    static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof IllegalArgumentException || e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof IllegalStateException) {
            Exception cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            cl.getErr().println(cl.getColorScheme().errorText(commandPath(cl) + ": " + UserErrors.describe(cause)));
            return UserErrors.EXIT_BAD_INPUT;
        }
        e.printStackTrace(cl.getErr());
        return 1;
    }

    /** A mistake on the command line: the message and where to look, not the whole usage text. */
    static int handleBadArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println(cl.getColorScheme().errorText(commandPath(cl) + ": " + e.getMessage()));
        cl.getErr().println("Try '" + commandPath(cl) + " --help'.");
        return UserErrors.EXIT_BAD_INPUT;
    }

    /** The command as typed, {@code stepwise train tagger}, whichever command line it runs in. */
    static String commandPath(CommandLine cl) {
        String path = cl.getCommandSpec().qualifiedName();
        return path.equals("stepwise") || path.startsWith("stepwise ") ? path : "stepwise " + path;
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Stepwise.class.getPackage().getImplementationVersion();
            return new String[]{"stepwise " + (v == null ? "development" : v)};
        }
    }
}
