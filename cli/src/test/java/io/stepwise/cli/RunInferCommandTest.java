package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.jobs.training.TrainingSettings;
import org.junit.jupiter.api.Test;

/** `run infer` and `run train` show and take the options their jobs declare, with the same defaults. */
class RunInferCommandTest {

    @Test
    void runInferHelpShowsTheJobsOwnOptionsInTheirSections() {
        CliRun r = CliRun.of(new RunCommand(), "infer", "--help");

        assertThat(r.exit()).isZero();
        // picocli wraps long lines: compare the text with its white space folded
        String help = r.out().replaceAll("\\s+", " ");
        assertThat(help).contains("Kafka:", "Checkpoints and delivery:", "Topics:", "Model and recordings:", "Serving:",
                "--bootstrap", "--kafka-config", "--idle-timeout", "(default: 30m)", "--recording",
                "--replay: the old spelling", "--jobmanager", "--parallelism");
        // every option the job's main class takes is on the command line too
        InferenceSettings.OPTIONS.forEach(g -> g.options().forEach(o -> assertThat(help).contains(o.name())));
    }

    @Test
    void runTrainHelpShowsTheTrainingJobsOptions() {
        CliRun r = CliRun.of(new RunCommand(), "train", "--help");

        assertThat(r.exit()).isZero();
        TrainingSettings.OPTIONS.forEach(g -> g.options().forEach(o -> assertThat(r.out()).contains(o.name())));
    }

    @Test
    void theAllowedModelFoldersMayBeRepeatedOrGivenAsAList() {
        picocli.CommandLine.ParseResult parsed = new picocli.CommandLine(new RunCommand()).parseArgs("infer", "--bootstrap", "localhost:1",
                "--input-topic", "a", "--output-topic", "b", "--model-topic", "c", "--model-uri-allow", "/models/a,/models/b",
                "--idle-timeout", "2m", "--model-uri-allow", "s3://bucket/models");

        InferenceSettings s = JobOptions.settings(parsed.subcommand(), InferenceSettings.OPTIONS, InferenceSettings.Builder::new).build();

        assertThat(s.serving().admission().locations().folders())
                .containsExactly("file:///models/a/", "file:///models/b/", "s3://bucket/models/");
        assertThat(s.serving().idleTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
    }

    @Test
    void aBadJobOptionIsAOneLineUserError() {
        CliRun r = CliRun.of(new RunCommand(), "infer", "--bootstrap", "localhost:1", "--input-topic", "a", "--output-topic", "b",
                "--model-topic", "c", "--idle-timeout", "soon");

        assertThat(r.isOneLineUserError()).as(r.err()).isTrue();
        assertThat(r.err()).contains("--idle-timeout");
    }
}
