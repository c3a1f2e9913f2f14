package io.stepwise.pipeline;

/**
 * One row's measurements.
 *
 * @param row          what ran
 * @param delivery     exactly-once or at-least-once
 * @param perSecond    steady elements per second over the pre-filled topic ({@link SteadyRate})
 * @param window       seconds that rate was measured over, after the warm-up
 * @param latencyRate  elements per second actually sent in the latency phase
 * @param p50          latency percentiles (ms), from an element's Kafka timestamp to its result read
 * @param p99            by an independent read_committed consumer
 * @param max
 * @param writtenP50   median time (ms) from an element's Kafka timestamp to its result's append to the
 *                     output topic, before any commit: the rest of {@code p50} is the wait for the commit
 * @param writtenP99   the same at the 99th percentile: at-least-once, whether the tail of {@code p99} built up
 *                     before the append (the job, its producer) or after it (the broker's fetch, the reader)
 * @param cpuNanos     CPU time of the benchmark's whole JVM (broker, job or copy, reader) per element answered,
 *                     over the same window as {@code perSecond} ({@link CpuMark}); NaN where it could not be read
 * @param samples      elements whose latency counted (after the phase's warm-up)
 * @param checked      elements checked to have exactly one result (both phases)
 * @param step         what the step cost inside the job over the same window as {@code perSecond}, and alone;
 *                     null for the Kafka copy
 */
public record RowResult(BenchRow row, Delivery delivery, double perSecond, double window, double latencyRate, long p50, long p99, long max,
                        long writtenP50, long writtenP99, double cpuNanos, int samples, long checked, StepCost step) {

    /**
     * One element's share of the batched step ({@code ServedModel.stepBatch}): timed inside the job
     * while it worked through the pre-filled topic (after the warm-up), with the mean number of
     * elements per batched product there, and the same call timed alone in the benchmark's JVM on
     * batches of that size ({@link IsolatedStep}).
     */
    public record StepCost(double inJobNanos, double meanBatch, double aloneNanos) {
        public double ratio() {
            return inJobNanos / aloneNanos;
        }
    }
}
