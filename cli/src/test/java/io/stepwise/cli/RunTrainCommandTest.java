package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.jobs.training.TrainingSettings;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunTrainCommandTest {

    @TempDir
    Path dir;

    private static final String[] REQUIRED = {"--bootstrap", "localhost:1", "--examples-topic", "ex", "--model-topic", "models"};

    private static String[] args(String... more) {
        String[] all = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
        System.arraycopy(more, 0, all, REQUIRED.length, more.length);
        return all;
    }

    private static TrainingSettings settings(String... more) throws Exception {
        RunTrainCommand cmd = new RunTrainCommand();
        new CommandLine(cmd).parseArgs(args(more));
        return cmd.settings();
    }

    private Path sumModel() throws Exception {
        Path file = dir.resolve("meter.stepwise");
        ModelFile.write(new SumModel(new ModelMeta("meter", 3, Map.of()), 4, 1, 100f, 100f).initRandom(1), file);
        return file;
    }

    @Test
    void isASubcommandOfRunAndDocumentsItsOptions() {
        CliRun r = CliRun.of(new RunCommand(), "train", "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--examples-topic", "--model-topic", "--kind", "--from", "--publish-every", "--eval-fraction",
                "--model-dir", "--name", "--round-budget", "--jobmanager", "--checkpoint-interval");
    }

    @Test
    void theOptionsBecomeTheJobsSettings() throws Exception {
        TrainingSettings s = settings("--kind", "sum", "--from", sumModel().toString(), "--publish-every", "2m",
                "--eval-fraction", "0.2", "--model-dir", dir.resolve("models").toString(), "--publish", "always");

        TrainingSettings o = s;
        assertThat(o.kind()).isEqualTo(ModelKind.SUM);
        assertThat(o.name()).as("the starting model's name").isEqualTo("meter");
        assertThat(o.startModel()).isNotNull();
        assertThat(o.publishEveryInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.publishEveryExamples()).isZero();
        assertThat(o.evalFraction()).isEqualTo(0.2);
        assertThat(o.publish()).isEqualTo(TrainingSettings.Publish.ALWAYS);
        assertThat(o.modelDir()).isEqualTo(dir.resolve("models").toUri().toString());
        assertThat(s.deadLetterTopic()).isEqualTo("ex-dead-letters");
    }

    @Test
    void aCountScheduleAndTheKindsDefaults() throws Exception {
        TrainingSettings o = settings("--kind", "tagger", "--publish-every", "250");

        assertThat(o.name()).isEqualTo("tagger");
        assertThat(o.publishEveryExamples()).isEqualTo(250);
        assertThat(o.publishEveryInterval()).isNull();
        assertThat(o.startModel()).isNull();
        assertThat(o.modelDir()).startsWith("file:/").matches(".*/target/models/?");
        assertThat(o.learningRate()).isEqualTo(TrainingSettings.builder().withoutKafka().kind(ModelKind.TAGGER).build().learningRate());
        assertThat(o.kafka().groupId()).isEqualTo("stepwise-train");
        assertThat(o.kafka().checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badSettingsAreOneLineUserErrorsBeforeAnythingStarts() throws Exception {
        String sum = sumModel().toString();
        for (String[] bad : new String[][]{
            {"--kind", "parser"},
            {"--kind", "tagger", "--publish-every", "soon"},
            {"--kind", "tagger", "--eval-fraction", "2"},
            {"--kind", "tagger", "--publish", "sometimes"},
            {"--kind", "tagger", "--from", sum},
            {"--kind", "sum", "--from", dir.resolve("missing.stepwise").toString()},
            {"--kind", "tagger", "--eval-fraction", "0"},
            {"--kind", "tagger", "--name", "a/b"},
        }) {
            CliRun r = CliRun.of(new RunCommand(), concat("train", args(bad)));
            assertThat(r.isOneLineUserError()).as("%s: %s", String.join(" ", bad), r.err()).isTrue();
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
