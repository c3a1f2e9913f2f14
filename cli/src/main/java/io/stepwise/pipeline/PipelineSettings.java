package io.stepwise.pipeline;

import io.stepwise.kafka.KafkaClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the benchmark runs: the same for every row.
 *
 * @param kafka              the broker (the in-JVM one, or --bootstrap)
 * @param elements           elements pre-filled per row, each expecting a result (end markers come on top)
 * @param streams            interleaved streams
 * @param parallelism        the job's parallelism, the copy's loops, and the partitions of the topics
 * @param checkpointInterval the job's checkpoint interval, and the copy's commit interval
 * @param latencyRate        elements per second of the latency phase; null: half of the row's elements/s
 * @param latencyDuration    how long the latency phase sends
 * @param jobOptions         further options for the inference job, parsed by the job's own declarations
 * @param work               a folder for checkpoints
 * @param seed               the generator's seed
 */
public record PipelineSettings(KafkaClient kafka, long elements, int streams, int parallelism, Duration checkpointInterval,
                               Double latencyRate, Duration latencyDuration, List<String> jobOptions, Path work, long seed) {

    /** The share of the latency phase, its beginning, whose elements are not counted. */
    public static final double LATENCY_WARM_UP = 0.2;

    public PipelineSettings {
        if (elements < 1) {
            throw new IllegalArgumentException("--elements must be >= 1, got " + elements);
        }
        if (streams < 1) {
            throw new IllegalArgumentException("--streams must be >= 1, got " + streams);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be >= 1, got " + parallelism);
        }
        if (latencyRate != null && !(latencyRate > 0)) {
            throw new IllegalArgumentException("--latency-rate must be positive, got " + latencyRate);
        }
        if (latencyDuration.toMillis() < 100) {
            throw new IllegalArgumentException("--latency-duration must be at least 100ms, got " + latencyDuration);
        }
        jobOptions = List.copyOf(jobOptions);
    }

    /** The part of the latency phase left out as warm-up. */
    public Duration latencyWarmUp() {
        return Duration.ofMillis((long) (latencyDuration.toMillis() * LATENCY_WARM_UP));
    }

    /**
     * How long the benchmark waits for a result that does not come before it calls an element
     * missing: long enough for a job to start and for a few checkpoints to commit.
     */
    public Duration stallTimeout() {
        return Duration.ofMillis(Math.max(60_000, 6 * checkpointInterval.toMillis()));
    }
}
