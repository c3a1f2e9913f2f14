package io.stepwise.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.cli.Stepwise;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data sets land in the repository's data folder, whatever folder a command runs in. */
class DataFolderTest {

    @TempDir
    Path dir;

    @Test
    void theLaunchersRepositoryRootWins() {
        assertThat(DataFolder.of(dir.resolve("repo").toString(), dir.resolve("elsewhere")))
                .isEqualTo(dir.resolve("repo").resolve("data"));
    }

    @Test
    void withoutTheLauncherTheRepositoryIsFoundAboveTheWorkingDirectory() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("stepwise"), "#!/usr/bin/env bash\n");
        Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
        Path module = Files.createDirectories(repo.resolve("lstm-core/src"));

        assertThat(DataFolder.of(null, module)).isEqualTo(repo.resolve("data"));
        assertThat(DataFolder.of(null, dir.resolve("outside"))).as("no repository above: the working directory")
                .isEqualTo(dir.resolve("outside").resolve("data"));
    }

    @Test
    void theDataCommandsHelpNamesTheDefaultFolder() {
        StringWriter out = new StringWriter();
        var cl = Stepwise.commandLine();
        cl.setOut(new PrintWriter(out));

        cl.execute("data", "ud-ewt", "--help");

        assertThat(out.toString()).contains("(default: " + DataFolder.defaultDir() + ")");
    }
}
