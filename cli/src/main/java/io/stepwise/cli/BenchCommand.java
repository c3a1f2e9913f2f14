package io.stepwise.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stepwise bench}: runs {@code benchmarks/run.sh} (JMH, and PyTorch where it is installed)
 * and lets it print the side-by-side table. The script lives in the source tree, so the command
 * finds the repository from {@code -Dstepwise.home} (set by the launcher) or from the working
 * directory upwards.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = BenchPipelineCommand.class,
        description = {"Runs the benchmarks (JMH; PyTorch where /usr/bin/python3 has torch) on one thread each and "
                + "prints one table: Stepwise, PyTorch, ratio, target.",
            "Takes a few minutes; --quick takes about one.",
            "`stepwise bench pipeline` benchmarks the streaming job end to end through Kafka instead."})
public final class BenchCommand implements Callable<Integer> {

    static final String SCRIPT = "benchmarks/run.sh";

    @Option(names = "--quick", description = "A smoke run: one short iteration per benchmark; rough figures.")
    boolean quick;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run both sides N times and count each benchmark's fastest result, for a machine "
                    + "shared with other work (default: ${DEFAULT-VALUE}).")
    int repeat;

    private final String homeProperty;
    private final Path workingDirectory;

    public BenchCommand() {
        this(System.getProperty("stepwise.home"), Path.of("").toAbsolutePath());
    }

    BenchCommand(String homeProperty, Path workingDirectory) {
        this.homeProperty = homeProperty;
        this.workingDirectory = workingDirectory;
    }

    @Override
    public Integer call() throws Exception {
        Path home = repositoryRoot();
        if (home == null) {
            throw new IllegalStateException("cannot find " + SCRIPT + " (it ships with the source tree); run from the "
                    + "Stepwise repository or set -Dstepwise.home=<repository>");
        }
        List<String> command = new ArrayList<>(List.of("bash", home.resolve(SCRIPT).toString()));
        if (quick) {
            command.add("--quick");
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        }
        if (repeat > 1) {
            command.add("--repeat");
            command.add(Integer.toString(repeat));
        }
        Process process = new ProcessBuilder(command).directory(home.toFile()).inheritIO().start();
        return process.waitFor();
    }

    /** {@code stepwise.home} if given, else the nearest directory at or above the working one with the script. */
    Path repositoryRoot() {
        if (homeProperty != null && !homeProperty.isBlank()) {
            Path home = Path.of(homeProperty).toAbsolutePath();
            return Files.isRegularFile(home.resolve(SCRIPT)) ? home : null;
        }
        for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                return dir;
            }
        }
        return null;
    }
}
