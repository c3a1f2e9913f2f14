package io.stepwise.pipeline;

import io.stepwise.jobs.inference.InferenceMetrics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Hands the inference operators' step counters (time in the batched step, elements and products
 * stepped) to the benchmark that runs the job's MiniCluster in its own JVM, so that the table can
 * say what one element's step costs inside the job. Flink creates reporters itself, from
 * configuration; {@link #configure} names the run each instance reports to.
 */
public final class StepCostReporter implements MetricReporter {

    private static final String RUN = "run";
    private static final Map<String, Counters> RUNS = new ConcurrentHashMap<>();

    /** The step counters of one run: one of each per parallel instance of the operator. */
    static final class Counters {
        final List<Counter> nanos = new CopyOnWriteArrayList<>();
        final List<Counter> timed = new CopyOnWriteArrayList<>();
        final List<Counter> elements = new CopyOnWriteArrayList<>();
        final List<Counter> batches = new CopyOnWriteArrayList<>();

        /** Their sums over the instances now. */
        StepCounts read() {
            return new StepCounts(sum(nanos), sum(timed), sum(elements), sum(batches));
        }

        private static long sum(List<Counter> cs) {
            return cs.stream().mapToLong(Counter::getCount).sum();
        }
    }

    /** The step's totals at one moment: CPU time in the timed batches (ns) and their elements, all elements stepped, batches. */
    record StepCounts(long nanos, long timed, long elements, long batches) {
        /** From {@code earlier} to this: ns per element, and elements per batch. */
        double nanosPerElementSince(StepCounts earlier) {
            long e = timed - earlier.timed;
            return e == 0 ? Double.NaN : (double) (nanos - earlier.nanos) / e;
        }

        double meanBatchSince(StepCounts earlier) {
            long b = batches - earlier.batches;
            return b == 0 ? Double.NaN : (double) (elements - earlier.elements) / b;
        }
    }

    private Counters target;

    /** Adds this reporter to a MiniCluster's configuration; the run's counters then come to the result. */
    static Counters configure(Configuration conf, String runId) {
        String prefix = "metrics.reporter.stepcost.";
        conf.setString(prefix + "factory.class", Factory.class.getName());
        conf.setString(prefix + RUN, runId);
        return RUNS.computeIfAbsent(runId, id -> new Counters());
    }

    /** Forgets a run's counters. */
    static void release(String runId) {
        RUNS.remove(runId);
    }

    @Override
    public void open(MetricConfig config) {
        target = RUNS.get(config.getString(RUN, ""));
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (target == null || !(metric instanceof Counter c)) {
            return;
        }
        switch (name) {
            case InferenceMetrics.STEP_NANOS -> target.nanos.add(c);
            case InferenceMetrics.ELEMENTS_TIMED -> target.timed.add(c);
            case InferenceMetrics.ELEMENTS_STEPPED -> target.elements.add(c);
            case InferenceMetrics.BATCHES_STEPPED -> target.batches.add(c);
            default -> {
            }
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept: the benchmark reads them after the job's tasks may have ended
    }

    /** Flink finds reporters through a factory named in configuration and listed as a service. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new StepCostReporter();
        }
    }
}
