package io.stepwise.pipeline;

import io.stepwise.model.Model;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;

/**
 * Runs one row of the table, in two phases, on fresh topics:
 *
 * <ol>
 *   <li><b>throughput</b>: the input topic is filled with {@code elements} elements before the system
 *       under test starts; it then works through them as fast as it can, and {@link SteadyRate} gives
 *       its elements/s from the broker's append times of the results;</li>
 *   <li><b>latency</b>: once every result is in, new elements of the same streams are sent at a fixed
 *       rate (by default half of the measured elements/s, so that queues stay short) for a fixed time,
 *       and the reader times each from its send time to its result being readable.</li>
 * </ol>
 *
 * Throughout, the reader enters every result in the {@link ResultLedger}; a row whose results are
 * not exactly one per element fails with what was wrong.
 */
public final class PipelineBenchmark {

    private final PipelineSettings settings;
    private final String runId;
    private final PrintStream err;
    private final ElementGenerator.ZipfWords words = new ElementGenerator.ZipfWords(BenchModels.GENERATED_WORDS);

    /** {@code runId} makes topic names, consumer groups and transactional ids unique to this run. */
    public PipelineBenchmark(PipelineSettings settings, String runId, PrintStream err) {
        this.settings = settings;
        this.runId = runId;
        this.err = err;
    }

    public RowResult run(BenchRow row, Delivery delivery) throws Exception {
        String name = row.letter() + "-" + delivery.label();
        String label = row.letter() + " " + delivery.label();
        String prefix = "bench-" + runId + "-" + name;
        ResultLedger ledger = row.tagsAtOnce() ? ResultLedger.withTagsAtOnce() : new ResultLedger();
        ElementGenerator generator = new ElementGenerator(settings.streams(), row.content(), words, settings.seed());
        try (BenchTopics topics = new BenchTopics(settings.kafka(), prefix, settings.parallelism());
             ElementProducer producer = new ElementProducer(settings.kafka(), topics.input, generator, ledger)) {
            try (PhaseProgress bar = new PhaseProgress(err, label + " fill", settings.elements(), "elements")) {
                producer.fill(settings.elements(), bar::stepTo);
                if (row.tagsAtOnce()) {
                    producer.endOpenSentences();
                }
                bar.stepTo(producer.elements());
            }
            try (ResultReader reader = new ResultReader(settings.kafka(), topics.output, ledger);
                 SystemUnderTest sut = systemUnderTest(row, delivery, topics, prefix)) {
                sut.start();
                // the job's step counters where the steady window starts, and where it ends
                StepCostReporter.StepCounts[] warm = new StepCostReporter.StepCounts[1];
                CpuMark[] warmCpu = new CpuMark[1];
                try (PhaseProgress bar = new PhaseProgress(err, label + " throughput", settings.elements(), "results")) {
                    awaitResults(label, ledger, reader, sut, bar, 0, (long) (settings.elements() * SteadyRate.WARM_UP), () -> {
                        warm[0] = sut.stepCounts();
                        warmCpu[0] = CpuMark.now(ledger.answered());
                    });
                }
                double cpuPerElement = warmCpu[0] == null ? Double.NaN : CpuMark.now(ledger.answered()).nanosPerElementSince(warmCpu[0]);
                RowResult.StepCost step = stepCost(row, warm[0], sut.stepCounts());
                double perSecond = reader.steady().perSecond();
                double rate = settings.latencyRate() != null ? settings.latencyRate()
                        : Double.isNaN(perSecond) ? settings.elements() : perSecond / 2;
                long before = ledger.expected();
                long phaseStart = System.currentTimeMillis();
                reader.latencyPhase(phaseStart, settings.latencyWarmUp());
                double sent;
                try (PhaseProgress bar = new PhaseProgress(err, label + String.format(Locale.ROOT, " latency at %,.0f/s", rate),
                        settings.latencyDuration().toSeconds(), "s")) {
                    sent = producer.paced(rate, settings.latencyDuration(), n -> {
                        bar.stepTo((System.currentTimeMillis() - phaseStart) / 1000);
                        bar.message(String.format(Locale.ROOT, "%,d sent, %,d answered", n, ledger.answered() - before));
                    });
                    if (row.tagsAtOnce()) {
                        producer.endOpenSentences();
                    }
                    bar.message("waiting for the last results");
                    awaitResults(label, ledger, reader, sut, null, before, Long.MAX_VALUE, null);
                }
                // a duplicate comes after the first result: read on a moment (up to 2 s) before judging
                Thread.sleep(Math.min(2000, settings.checkpointInterval().toMillis() + 200));
                reader.checkAlive();
                ResultLedger.Verdict verdict = ledger.verdict();
                if (!verdict.exactlyOne()) {
                    throw new ExactlyOneResultViolated(label + ": " + verdict.describe());
                }
                LatencyRecorder latency = reader.latency();
                return new RowResult(row, delivery, perSecond, reader.steady().windowSeconds(), sent, latency.percentile(50),
                        latency.percentile(99), latency.max(), reader.written().percentile(50),
                        reader.written().percentile(99), cpuPerElement, latency.count(), verdict.expected(), step);
            }
        }
    }

    private SystemUnderTest systemUnderTest(BenchRow row, Delivery delivery, BenchTopics topics, String prefix) throws Exception {
        if (row.isKafkaCopy()) {
            return new KafkaCopy(settings.kafka(), topics.input, topics.output, settings.parallelism(), settings.checkpointInterval(),
                    delivery, prefix + "-copy");
        }
        Model model = BenchModels.of(row, words);
        return new InferenceRun(settings.kafka(), topics, model, settings.parallelism(), settings.checkpointInterval(), delivery,
                settings.jobOptions(), prefix + "-job", Files.createDirectories(settings.work().resolve(prefix)));
    }

    /**
     * The step's cost per element in the job between the two counts, and alone on batches of the size
     * the job stepped; null for the Kafka copy, or when the job stepped nothing in between.
     */
    private RowResult.StepCost stepCost(BenchRow row, StepCostReporter.StepCounts from, StepCostReporter.StepCounts to) {
        if (from == null || to == null || to.elements() == from.elements()) {
            return null;
        }
        double batch = to.meanBatchSince(from);
        // other streams than the rows' (seed + 1), so that the isolated step does not repeat the job's inputs
        ElementGenerator fresh = new ElementGenerator(settings.streams(), row.content(), words, settings.seed() + 1);
        double alone = IsolatedStep.nanosPerElement(BenchModels.of(row, words), fresh, Math.max(1, (int) Math.round(batch)));
        return new RowResult.StepCost(to.nanosPerElementSince(from), batch, alone);
    }

    /**
     * Waits until every element sent has its result; fails when results stop coming or a part has
     * failed. Once {@code markAt} results are in (counted from {@code base}), runs {@code atMark} once.
     */
    private void awaitResults(String label, ResultLedger ledger, ResultReader reader, SystemUnderTest sut, PhaseProgress bar, long base,
                              long markAt, Runnable atMark) throws Exception {
        boolean marked = atMark == null;
        Duration stall = settings.stallTimeout();
        long last = -1;
        long lastChange = System.nanoTime();
        while (!ledger.complete()) {
            reader.checkAlive();
            sut.checkAlive();
            long answered = ledger.answered();
            if (bar != null) {
                bar.stepTo(answered - base);
            }
            if (!marked && answered - base >= markAt) {
                atMark.run();
                marked = true;
            }
            if (answered != last) {
                last = answered;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > stall.toNanos()) {
                throw new ExactlyOneResultViolated(label + ": no new result for " + stall.toSeconds() + " s; " + ledger.verdict().describe());
            }
            Thread.sleep(50);
        }
        if (bar != null) {
            bar.stepTo(ledger.answered() - base);
        }
    }

    /** The results were not exactly one per element: the row measured something else. */
    public static final class ExactlyOneResultViolated extends IllegalStateException {
        ExactlyOneResultViolated(String message) {
            super(message);
        }
    }
}
