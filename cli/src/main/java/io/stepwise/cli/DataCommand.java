package io.stepwise.cli;

import io.stepwise.data.DataFolder;
import io.stepwise.data.Dataset;
import io.stepwise.data.DatasetDownloader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Fetches data sets the examples and tests use. */
@Command(name = "data", mixinStandardHelpOptions = true,
        header = "Downloads data sets (UD English EWT).",
        subcommands = {DataCommand.UdEwt.class})
public final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "ud-ewt", mixinStandardHelpOptions = true,
            header = "Downloads UD English EWT (train and dev) and checks its SHA-256.",
            description = {
                "Fetches the train and dev splits of UD English EWT, release r2.16, from the Universal",
                "Dependencies release into DIR/ud-english-ewt, checks each file's SHA-256 against the",
                "release, and prints its licence (CC BY-SA 4.0). Files already there are kept.",
                "By default DIR is the repository's data folder (git ignores it), where the tests and",
                "`stepwise demo --corpus` look for it."})
    static final class UdEwt implements Callable<Integer> {

        @Option(names = "--dir", paramLabel = "DIR", description = "Where to put it (default: ${DEFAULT-VALUE}).")
        Path dir = DataFolder.defaultDir();

        @Option(names = "--base-url", paramLabel = "URL", description = "Fetch from this mirror instead of the release.")
        String baseUrl;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Dataset d = baseUrl == null ? Dataset.UD_EWT : Dataset.UD_EWT.withBaseUrl(baseUrl);
            Path where = new DatasetDownloader(spec.commandLine().getErr()).fetch(d, dir);
            var out = spec.commandLine().getOut();
            out.printf("%s is in %s%nLicence: %s%n", d.name(), where.toAbsolutePath().normalize(), d.licence());
            out.flush();
            return 0;
        }
    }
}
