package io.stepwise.jobs.inference;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** The inference operator's metrics, under its metric group (README, "Metrics to watch"). */
public final class InferenceMetrics {

    /** Why a micro-batch was stepped. */
    enum FlushCause {
        FULL, TIMER, CHECKPOINT, WATERMARK, ANNOUNCEMENT, END_OF_INPUT, FIRST_VERSION
    }

    /** Metric names that tools read ({@code stepwise bench pipeline}). */
    public static final String STEP_NANOS = "stepCpuNanos";
    public static final String ELEMENTS_TIMED = "elementsTimed";
    public static final String ELEMENTS_STEPPED = "elementsStepped";
    public static final String BATCHES_STEPPED = "batchesStepped";

    final Meter elementsIn;
    final Meter resultsOut;
    final Counter duplicates;
    final Counter deadLetters;
    final Counter rejectedModels;
    final Counter stateResets;
    final Counter expiredStreams;
    final Counter expiredWaitingTags;
    final Counter rewarmed;
    final Counter carried;
    final Counter carriedFromExact;
    final Counter resultsOutOfRange;
    final Counter pinnedEvicted;
    /**
     * The task thread's CPU time in the batched step and the elements it timed, and all elements and
     * products it stepped: their rates give what one element's step costs in the job (stepCpuNanos /
     * elementsTimed) and the mean batch (elementsStepped / batchesStepped). A read of the CPU clock
     * costs 0.3-1 us, so batches under {@link #ALWAYS_TIMED} elements are timed one in 16.
     */
    final Counter stepNanos;
    final Counter elementsTimed;
    final Counter elementsStepped;
    final Counter batchesStepped;
    final Histogram batchFill;
    private final Map<FlushCause, Counter> flushes = new EnumMap<>(FlushCause.class);
    long activeStreams;
    /** Batches this small are timed one in 16: two clock reads would add 0.6-2 us to each element. */
    static final int ALWAYS_TIMED = 16;
    private int untimedSmallBatches;

    InferenceMetrics(MetricGroup g, IntSupplier version) {
        elementsIn = g.meter("elementsInPerSecond", new MeterView(60));
        resultsOut = g.meter("resultsOutPerSecond", new MeterView(60));
        duplicates = g.counter("duplicatesDropped");
        deadLetters = g.counter("deadLettered");
        rejectedModels = g.counter("modelVersionsRejected");
        stateResets = g.counter("stateResets");
        expiredStreams = g.counter("streamsExpired");
        expiredWaitingTags = g.counter("waitingTagsFinalOnExpiry");
        rewarmed = g.counter("streamsRewarmed");
        carried = g.counter("streamsCarried");
        carriedFromExact = g.counter("streamsCarriedFromExactSum");
        resultsOutOfRange = g.counter("resultsOutOfRange");
        pinnedEvicted = g.counter("pinnedVersionsEvicted");
        stepNanos = g.counter(STEP_NANOS);
        elementsTimed = g.counter(ELEMENTS_TIMED);
        elementsStepped = g.counter(ELEMENTS_STEPPED);
        batchesStepped = g.counter(BATCHES_STEPPED);
        batchFill = g.histogram("batchFill", new DescriptiveStatisticsHistogram(10_000));
        for (FlushCause c : FlushCause.values()) {
            flushes.put(c, g.counter("batchFlushes" + camel(c)));
        }
        g.gauge("activeStreams", () -> Math.max(0, activeStreams));
        g.gauge("modelVersion", version::getAsInt);
    }

    /** Whether the batch of {@code elements} about to be stepped is to be timed. */
    boolean timesNext(int elements) {
        return elements >= ALWAYS_TIMED || (++untimedSmallBatches & 15) == 0;
    }

    /** A batch stepped, with its CPU time, or -1 when it was not timed. */
    void stepped(int elements, long cpuNanos) {
        if (cpuNanos >= 0) {
            stepNanos.inc(cpuNanos);
            elementsTimed.inc(elements);
        }
        elementsStepped.inc(elements);
        batchesStepped.inc();
    }

    void flushed(FlushCause cause, int elements) {
        flushes.get(cause).inc();
        batchFill.update(elements);
    }

    /** {@code END_OF_INPUT} as {@code EndOfInput}, for a metric name. */
    private static String camel(FlushCause c) {
        StringBuilder s = new StringBuilder();
        for (String part : c.name().split("_")) {
            s.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return s.toString();
    }
}
