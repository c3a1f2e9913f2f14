package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command runs the repository's script; here a stand-in script that records how it was called. */
class BenchCommandTest {

    @TempDir
    Path repo;

    private Path writeScript() throws IOException {
        Path script = repo.resolve(BenchCommand.SCRIPT);
        Files.createDirectories(script.getParent());
        // records its arguments and working directory, and exits with a code the command must pass on
        Files.writeString(script, "#!/usr/bin/env bash\necho \"$PWD|$*\" > called.txt\nexit 3\n");
        return script;
    }

    @Test
    void runsTheScriptFromTheRepositoryRootWithQuickAndPassesOnItsExitCode() throws IOException {
        writeScript();
        Path below = Files.createDirectories(repo.resolve("cli/target"));

        int exit = new CommandLine(new BenchCommand(null, below)).execute("--quick");

        assertThat(exit).isEqualTo(3);
        assertThat(Files.readString(repo.resolve("called.txt")).trim())
                .isEqualTo(repo.toRealPath() + "|--quick");
    }

    @Test
    void passesRepeatOnToTheScript() throws IOException {
        writeScript();
        new CommandLine(new BenchCommand(repo.toString(), repo)).execute("--repeat", "3");
        assertThat(Files.readString(repo.resolve("called.txt")).trim()).endsWith("|--repeat 3");
    }

    @Test
    void stepwiseHomeWinsOverTheWorkingDirectory() throws IOException {
        writeScript();
        Path elsewhere = Files.createDirectories(repo.resolve("elsewhere"));
        assertThat(new BenchCommand(repo.toString(), elsewhere.getRoot()).repositoryRoot()).isEqualTo(repo.toAbsolutePath());
        assertThat(new BenchCommand(elsewhere.toString(), repo).repositoryRoot()).isNull();
    }

    @Test
    void withoutTheScriptItFailsWithAOneLineMessage(@TempDir Path empty) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand(null, empty))
                .setExecutionExceptionHandler(Stepwise::handleError);
        cl.setErr(new PrintWriter(err));

        assertThat(cl.execute()).isEqualTo(UserErrors.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("cannot find benchmarks/run.sh", "-Dstepwise.home").doesNotContain("Exception");
    }
}
