package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The root command's error handling names the whole command a user typed. */
class StepwiseTest {

    @TempDir
    Path dir;

    @Test
    void aUserErrorInASubcommandNamesTheWholeCommand() {
        Result r = run("train", "tagger", "--conllu", dir.resolve("missing.conllu").toString(),
                "--out", dir.resolve("m.stepwise").toString());

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err.strip()).startsWith("stepwise train tagger: ").contains("missing.conllu");
    }

    @Test
    void aBadOptionNamesTheWholeCommandAndWhereToLook() {
        Result r = run("train", "sum", "--hidden", "many");

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err.lines()).hasSize(2);
        assertThat(r.err.lines().findFirst().orElseThrow()).startsWith("stepwise train sum: ").contains("many");
        assertThat(r.err).contains("Try 'stepwise train sum --help'.");
    }

    private record Result(int exit, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = Stepwise.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int exit = cl.execute(args);
        return new Result(exit, err.toString());
    }
}
