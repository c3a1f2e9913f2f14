package io.stepwise.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.jobs.inference.InferenceSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Job options passed through the benchmark reach the job's own settings, except those the benchmark sets. */
class InferenceJobOptionsTest {

    @Test
    void theJobsOwnOptionsArePassedThrough() {
        InferenceSettings.Builder b = InferenceJobOptions.builder(List.of("--idle-timeout", "1h", "--max-pending=7"));
        b.bootstrap("localhost:1").inputTopic("in").outputTopic("out").modelTopic("models");
        InferenceSettings s = b.build();
        assertThat(s.serving().idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(s.serving().maxPendingPerStream()).isEqualTo(7);
    }

    @Test
    void optionsTheBenchmarkSetsItselfAreRefusedWithWhereToGiveThem() {
        assertThatThrownBy(() -> InferenceJobOptions.check(List.of("--checkpoint-interval", "1s")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--checkpoint-interval").hasMessageContaining("before --");
        assertThatThrownBy(() -> InferenceJobOptions.check(List.of("--at-least-once")))
                .hasMessageContaining("--delivery");
        assertThatThrownBy(() -> InferenceJobOptions.check(List.of("--input-topic=x"))).hasMessageContaining("--input-topic");
    }

    @Test
    void anOptionTheJobDoesNotHaveIsRefusedByTheJobsParser() {
        assertThatThrownBy(() -> InferenceJobOptions.check(List.of("--no-such-option")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option '--no-such-option'");
    }
}
