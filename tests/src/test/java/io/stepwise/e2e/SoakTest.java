package io.stepwise.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stepwise.jobs.config.Durations;
import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.model.ModelFile;
import io.stepwise.model.SumModel;
import io.stepwise.wire.ModelAnnouncement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak test (issue 11, item 6): the inference job on a real broker and a multi-process Flink
 * cluster with RocksDB, for {@code soak.duration} (30 minutes by default; CI runs 3), under stream churn. Some 100,000
 * distinct streams come and go, four in five abandoned without an end marker, with a short
 * {@code --idle-timeout}; a new model version is announced every few minutes; halfway through, a
 * TaskManager is killed with SIGKILL and a new one started. Throughout, {@link SoakSampler} samples
 * the TaskManagers' heap and RSS, the streams the job holds state for ({@code activeStreams}, and
 * RocksDB's estimated keys beside it), the checkpoint size and duration, and results against inputs.
 *
 * <p>It asserts that every element got exactly one result, across the restart, and that heap, RSS,
 * {@code activeStreams} and the checkpoint size level off ({@link Trend}) once expiry runs: in the
 * window after warm-up and before the kill, in the window after the restored job has warmed up
 * again, and from one window to the other; that {@code activeStreams} stays near the streams alive
 * by what the load sent; and that it returns to 0 once the load stops and every stream expires. The curves go to {@code target/soak/soak.png}, the samples to {@code target/soak/*.csv}.
 *
 * <p>Only in the {@code soak} profile: {@code ./mvnw -B -Psoak verify -Dgroups=soak -Dsoak.duration=30m}.
 * Settings (system properties): {@code soak.duration} (as {@code --idle-timeout} takes it: 3m, 90s, 1h);
 * {@code soak.streamsPerSecond} (new streams each second, 60); {@code soak.steadyStreams} (streams
 * that send every second for the whole run, 100); {@code soak.idleTimeout} (the job's
 * {@code --idle-timeout}, default a thirtieth of the run within 10 s … 60 s);
 * {@code soak.modelEvery} (an eighth of the run within 20 s … 3 min); {@code soak.sampleSeconds}
 * (a 360th of the run, at least 2); {@code soak.tolerance} (the growth a window may show, as a
 * fraction of its level, 0.2); {@code soak.seed}.
 */
@Tag("soak")
class SoakTest {

    private static final String NAME = "soak";
    private static final Duration CHECKPOINTS = Duration.ofSeconds(5);
    /** Checkpoints from one level-0 compaction of RocksDB to the next (3 or 4), and one of slack. */
    private static final Duration COMPACTION_CYCLE = CHECKPOINTS.multipliedBy(5);
    private static final double MIB = 1024.0 * 1024;

    /** The run's shape, from system properties. */
    record Settings(Duration run, double streamsPerSecond, int steadyStreams, Duration idleTimeout, Duration modelEvery,
                    double sampleSeconds, double tolerance, long seed) {

        /** Seconds between two measurements of the live heap: a dozen in the window before the kill, at most one a minute. */
        double gcSeconds() {
            double window = run.toSeconds() / 2.0 - warmUp().toSeconds();
            return Math.max(5, Math.min(60, window / 12));
        }

        static Settings fromSystemProperties() {
            Duration run = duration("soak.duration", Duration.ofMinutes(30));
            return new Settings(run,
                    Double.parseDouble(System.getProperty("soak.streamsPerSecond", "60")),
                    Integer.parseInt(System.getProperty("soak.steadyStreams", "100")),
                    duration("soak.idleTimeout", clamp(run.dividedBy(30), Duration.ofSeconds(10), Duration.ofSeconds(60))),
                    duration("soak.modelEvery", clamp(run.dividedBy(8), Duration.ofSeconds(20), Duration.ofMinutes(3))),
                    Double.parseDouble(System.getProperty("soak.sampleSeconds", String.valueOf(Math.max(2, run.toSeconds() / 360)))),
                    Double.parseDouble(System.getProperty("soak.tolerance", "0.2")),
                    Long.parseLong(System.getProperty("soak.seed", "1")));
        }

        private static Duration duration(String property, Duration fallback) {
            String v = System.getProperty(property);
            return v == null ? fallback : Durations.parse(v, property);
        }

        private static Duration clamp(Duration d, Duration min, Duration max) {
            return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
        }

        /**
         * Until state is at its level: a stream's whole life, its idle timeout, two checkpoints and
         * a margin; and at least a tenth of the run, for the JVMs' own warm-up.
         */
        Duration warmUp() {
            Duration state = SoakLoad.LONGEST_STREAM.plus(idleTimeout).plus(CHECKPOINTS.multipliedBy(2)).plusSeconds(5);
            Duration tenth = run.dividedBy(10);
            return state.compareTo(tenth) > 0 ? state : tenth;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s run, %.0f new streams/s (%.0f in all), %d steady streams, --idle-timeout %s,"
                            + " a model version every %s, a sample every %.0f s, the live heap every %.0f s, warm-up %s, tolerance %.0f%%,"
                            + " seed %d", Durations.format(run), streamsPerSecond, streamsPerSecond * run.toSeconds(), steadyStreams,
                    Durations.format(idleTimeout), Durations.format(modelEvery), sampleSeconds, gcSeconds(), Durations.format(warmUp()),
                    100 * tolerance, seed);
        }
    }

    private record Event(double t, String what) {
    }

    /**
     * When things happened, in seconds since the load began. The run proper begins once the job
     * keeps up with the load ({@code steady}; starting the processes and their first checkpoints
     * come before); the TaskManager is killed half a run later. Each window starts a warm-up after
     * the job keeps up (again): before the kill {@code [steady + warm-up, kill]}, after the restart
     * {@code [steadyAgain + warm-up, end]}. The run ends a run after {@code steady}, or later, up to
     * half a run more, so that the window after the restart is as long as the one before it however
     * long the restart took.
     */
    private static final class Timeline {
        final Settings s;
        double steady = Double.NaN;
        double kill = Double.NaN;
        double recovered = Double.NaN;
        double steadyAgain = Double.NaN;

        Timeline(Settings s) {
            this.s = s;
        }

        double runSeconds() {
            return s.run().toSeconds();
        }

        double killAt() {
            return steady + runSeconds() / 2;
        }

        double aFrom() {
            return steady + s.warmUp().toSeconds();
        }

        double aTo() {
            return kill;
        }

        double bFrom() {
            return Double.isNaN(steadyAgain) ? Double.NaN : steadyAgain + s.warmUp().toSeconds();
        }

        /** The end of the run, as far as it is known now (NaN before the job keeps up). */
        double end() {
            double planned = steady + runSeconds();
            double latest = steady + 1.5 * runSeconds();
            if (Double.isNaN(bFrom())) {
                return Double.isNaN(recovered) ? planned : latest;
            }
            return Math.min(latest, Math.max(planned, bFrom() + (aTo() - aFrom())));
        }
    }

    @Test
    void theInferenceJobLevelsOffUnderStreamChurnOnRocksDbAcrossATaskManagerRestart() throws Exception {
        Settings s = Settings.fromSystemProperties();
        System.out.println("soak: " + s);
        assertThat(s.run().toSeconds() / 2.0 - s.warmUp().toSeconds())
                .as("soak.duration: half the run, less the warm-up (%s), leaves at least 30 s to see a level in", Durations.format(s.warmUp()))
                .isGreaterThanOrEqualTo(30);
        Path out = Path.of("target", "soak").toAbsolutePath();
        KafkaProcess.deleteRecursively(out);
        Files.createDirectories(out);

        // two TaskManagers of one slot each: the restarted job must wait for the new TaskManager and
        // runs as before the kill, one keyed subtask per process
        try (ClusterDeployment d = ClusterDeployment.start(Path.of("target", "soak-cluster"), c -> c.withTaskManagers(2).withSlots(1)
                // as the Docker cluster runs: RocksDB, incremental checkpoints; here also its key count as a metric
                .with("state.backend.type", "rocksdb")
                .with("execution.checkpointing.incremental", "true")
                .with("state.backend.rocksdb.metrics.estimate-num-keys", "true")
                // the REST API's metrics as fresh as the samples (default: 10 s old)
                .with("metrics.fetcher.update-interval", Math.max(500, (long) (s.sampleSeconds() * 500)) + "ms")
                // the heap's pages are all touched at start: RSS then grows only by what the process keeps
                .with("env.java.opts.taskmanager", "-XX:+AlwaysPreTouch"))) {
            int version = 1;
            String job = d.submit(NAME, model(version), "--parallelism", "2",
                    "--idle-timeout", Durations.format(s.idleTimeout()), "--checkpoint-interval", Durations.format(CHECKPOINTS));
            long startMillis = System.currentTimeMillis();
            List<Event> events = new ArrayList<>();
            events.add(new Event(0, "load started; job running with model v1 on " + d.jobs.placement(job)));
            // the run at most, the extension, and the start-up before it
            int capacity = (int) (s.streamsPerSecond() * (1.5 * s.run().toSeconds() + 600)) + 1000;
            Timeline time = new Timeline(s);
            String victim = null;
            String replacement = null;
            try (SoakLoad load = new SoakLoad(d.kafka.bootstrapServers(), ClusterDeployment.input(NAME), ClusterDeployment.output(NAME),
                    s.streamsPerSecond(), s.steadyStreams(), s.seed(), capacity, s.idleTimeout());
                 SoakSampler sampler = new SoakSampler(d.cluster, d.jobs, job, load, startMillis).every(s.sampleSeconds(), s.gcSeconds());
                 KafkaProducer<String, String> models = new KafkaProducer<>(KafkaConnectors.producerProperties(
                         KafkaClient.of(d.kafka.bootstrapServers())))) {
                double nextModel = s.modelEvery().toSeconds();
                while (Double.isNaN(time.steady) || seconds(startMillis) < time.end()) {
                    double t = seconds(startMillis);
                    assertThat(load.failure()).as("the load and the results reader run").isNull();
                    if (Double.isNaN(time.steady)) {
                        assertThat(t).as("seconds until the job keeps up with the load").isLessThan(600);
                        if (sampler.keepsUp(0)) {
                            time.steady = t;
                            events.add(new Event(t, "job keeps up: the run begins"));
                        }
                    }
                    if (t >= nextModel && (Double.isNaN(time.steady) || t + 10 < time.end())) {
                        announce(models, model(++version));
                        events.add(new Event(t, "model v" + version + " announced"));
                        nextModel += s.modelEvery().toSeconds();
                    }
                    if (victim == null && t >= time.killAt()) {
                        victim = d.jobs.taskManagersOf(job, "running inference").iterator().next();
                        long pid = d.cluster.killTaskManager(victim);
                        replacement = d.cluster.startTaskManager();
                        time.kill = seconds(startMillis);
                        events.add(new Event(time.kill, victim + " (PID " + pid + ") killed with SIGKILL; " + replacement + " started"));
                    }
                    if (victim != null && Double.isNaN(time.recovered) && d.jobs.failures(job) >= 1 && d.jobs.allRunning(job)) {
                        time.recovered = seconds(startMillis);
                        events.add(new Event(time.recovered, "job running again on " + d.jobs.placement(job)));
                    }
                    if (!Double.isNaN(time.recovered) && Double.isNaN(time.steadyAgain) && sampler.keepsUp(time.recovered)) {
                        time.steadyAgain = seconds(startMillis);
                        events.add(new Event(time.steadyAgain, "job keeps up again; the run ends at " + Math.round(time.end()) + " s"));
                    }
                    Thread.sleep(500);
                }
                load.stopProducing();
                double stopped = seconds(startMillis);
                events.add(new Event(stopped, "load stopped: " + load.streamsStarted() + " streams, "
                        + load.elementsSent() + " elements, " + load.endsSent() + " end markers"));
                // every result committed: all in turn, then two more checkpoints for anything doubled behind them
                await().atMost(Duration.ofMinutes(3)).until(() -> load.resultsInTurn() >= load.elementsSent() || load.failure() != null);
                d.awaitTwoMoreCheckpoints(job);
                Thread.sleep(2000);
                load.stopConsuming();
                events.add(new Event(seconds(startMillis), "results read: " + load.resultsRead()));
                // every stream, steady ones too, is now abandoned: idle expiry must clear them all; the
                // sampler keeps sampling so that the drain shows on the chart
                await().atMost(s.idleTimeout().plusMinutes(2)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> drained(sampler, stopped + s.idleTimeout().toSeconds()));
                d.awaitTwoMoreCheckpoints(job);
                Thread.sleep((long) (2000 * s.sampleSeconds()) + 1000);
                sampler.close();
                SoakSampler.Sample last = sampler.samples().get(sampler.samples().size() - 1);
                events.add(new Event(seconds(startMillis), String.format(Locale.ROOT, "drained: activeStreams %.0f, RocksDB stream"
                        + " entries %.0f, timers %.0f", last.get("active_streams"), last.get("state_entries_stream"), last.get("state_entries_timers"))));

                Report report = report(s, time, sampler, load, victim, replacement, events, out);
                long deadLetters;
                try (KafkaTopics.Reader dlq = new KafkaTopics.Reader(d.kafka.bootstrapServers(), ClusterDeployment.output(NAME) + "-dead-letters")) {
                    deadLetters = dlq.poll().size() + dlq.poll().size();
                }

                assertThat(load.failure()).as("the load and the results reader ran to the end").isNull();
                assertThat(victim).as("a TaskManager was killed").isNotNull();
                assertThat(time.steadyAgain).as("the job kept up with the load again after the kill").isNotNaN();
                assertThat(load.streamsStarted()).as("distinct streams").isGreaterThanOrEqualTo((long) (0.95 * s.streamsPerSecond() * s.run().toSeconds()));
                assertThat(load.violations()).as("results out of turn (doubled, lost or wrong), %d in all", load.violationCount()).isEmpty();
                SoakLoad.Missing missing = load.missing(10);
                assertThat(missing.examples()).as("streams without exactly one result per element, %d in all", missing.streams()).isEmpty();
                assertThat(load.resultsInTurn()).as("one result per element sent").isEqualTo(load.elementsSent());
                assertThat(deadLetters).as("dead letters").isZero();
                assertThat(load.resultsByVersion().lastKey()).as("results by version %s", load.resultsByVersion()).isEqualTo(version);
                assertThat(report.expiredBefore()).as("streams expired before the kill").isPositive();
                assertThat(report.expiredAfter()).as("streams expired after the restart").isPositive();
                assertThat(report.verdicts()).as("figures that keep growing:%n%s", report.failures()).allMatch(Trend.Verdict::levels);
                // state follows the live streams: while they churn, no more than can be alive at once; once
                // all are abandoned, nothing
                double live = liveStreamsBound(s);
                assertThat(report.activeStreamsPeak()).as("activeStreams at most the streams that can be alive at once (%.0f)", live)
                        .isLessThanOrEqualTo(live);
                assertThat(report.activeToLive()).as("activeStreams over the streams live by what was sent, median in each window")
                        .allSatisfy(r -> assertThat(r).isBetween(1 - s.tolerance(), 1 + s.tolerance()));
                assertThat(last.get("active_streams")).as("activeStreams once every stream expired").isZero();
            }
        }
    }

    /**
     * The most streams that can hold state at once: the steady ones, and each churned stream from
     * its first element until an idle timeout after its last.
     */
    static double liveStreamsBound(Settings s) {
        return s.steadyStreams() + s.streamsPerSecond() * (SoakLoad.LONGEST_STREAM.plus(s.idleTimeout()).toMillis() / 1000.0 + 2);
    }

    /** Whether, in a sample taken after {@code after}, the job's subtasks hold no stream. */
    private static boolean drained(SoakSampler sampler, double after) {
        List<SoakSampler.Sample> all = sampler.samples();
        SoakSampler.Sample last = all.isEmpty() ? null : all.get(all.size() - 1);
        return last != null && last.t() >= after && last.get("active_streams") == 0;
    }

    private static double seconds(long startMillis) {
        return (System.currentTimeMillis() - startMillis) / 1000.0;
    }

    /** The sum model, hidden size 10: each version other weights, so each announcement is a real new version. */
    private static SumModel model(int version) {
        return Workloads.sum(version, 1000 + version);
    }

    private static void announce(KafkaProducer<String, String> producer, SumModel m) throws Exception {
        byte[] file = ModelFile.toBytes(m);
        ModelAnnouncement a = ModelAnnouncement.inline(m.name(), m.version(), file, ModelFile.sha256Hex(file));
        producer.send(new ProducerRecord<>(NAME + "-models", m.name(), a.toJson())).get();
    }

    private record Report(List<Trend.Verdict> verdicts, double expiredBefore, double expiredAfter, double activeStreamsPeak,
                          List<Double> activeToLive) {
        String failures() {
            return verdicts.stream().filter(v -> !v.levels()).map(Trend.Verdict::describe).collect(Collectors.joining("\n"));
        }
    }

    /** Writes the samples, the GC log's figures, the events, the PNG and the summary; returns the verdicts. */
    private static Report report(Settings s, Timeline time, SoakSampler sampler, SoakLoad load, String victim, String replacement,
                                 List<Event> events, Path out) throws IOException {
        List<SoakSampler.Sample> samples = sampler.samples();
        List<SoakSampler.LiveHeap> live = sampler.liveHeap();
        SoakSampler.writeCsv(samples, out.resolve("samples.csv"));
        SoakSampler.writeLiveHeapCsv(live, out.resolve("heap.csv"));
        Files.writeString(out.resolve("events.csv"), "t_s,event\n" + events.stream()
                .map(e -> String.format(Locale.ROOT, "%.1f,\"%s\"", e.t(), e.what().replace("\"", "'"))).collect(Collectors.joining("\n")) + "\n");

        double aFrom = time.aFrom();
        double aTo = time.aTo();
        double bFrom = time.bFrom();
        double bTo = time.end();
        double tol = s.tolerance();
        List<Trend.Verdict> verdicts = new ArrayList<>();

        // figures of the job, whichever TaskManagers run it. The keyed state entries are judged on
        // activeStreams (the operator's own count of the streams it holds state and a timer for,
        // checked against the load's count below). RocksDB's estimate-num-keys is shown beside it
        // but not judged: it counts every put in the memtables, overwrites and re-registered timers
        // included, until a flush or compaction folds them, so it saw-tooths with the checkpoints
        // (a 3-minute run measured the 'stream' family at 1,000-2,250 and the timers at 400-730
        // for 740 live streams, both back to 0 once every stream expired).
        windows(verdicts, "activeStreams gauge", SoakSampler.series(samples, "active_streams"), aFrom, aTo, bFrom, bTo, tol, true, true);
        // The checkpoint's full size saw-tooths: every checkpoint flushes the memtables to one more
        // level-0 file, and the third or fourth (RocksDB's level0_file_num_compaction_trigger is 4)
        // compacts them, so the size climbs and falls back every 15-20 s (270-640 KB in 3-minute
        // runs). Six spans of a one-minute window are shorter than that tooth: their medians followed
        // its phase (one run read +24% on a flat level). The peaks depend on whether a compaction came
        // after three files or four (525 or 630 KB in one run), so an upper envelope read +14.8% on a
        // flat level when the window's first half had only three-file teeth. The lower envelope, the
        // size right after each compaction, is what state that leaks would raise, and it stays put
        // (310-330 KB across that run); it resolves only a steep rise in a 3-minute run, the 30-minute
        // one a slow leak.
        double[][] checkpointBytes = SoakSampler.series(samples, "checkpoint_bytes");
        double[] troughsA = Trend.lowerEnvelope(checkpointBytes[0], checkpointBytes[1], COMPACTION_CYCLE.toSeconds(), aFrom, aTo);
        double[] troughsB = Trend.lowerEnvelope(checkpointBytes[0], checkpointBytes[1], COMPACTION_CYCLE.toSeconds(), bFrom, bTo);
        double[] troughs = new double[troughsA.length];
        for (int i = 0; i < troughs.length; i++) {
            troughs[i] = Double.isNaN(troughsA[i]) ? troughsB[i] : troughsA[i];
        }
        windows(verdicts, "checkpoint size, bytes, lower envelope " + COMPACTION_CYCLE.toSeconds() + " s",
                new double[][]{checkpointBytes[0], troughs}, aFrom, aTo, bFrom, bTo, tol, true, true);
        List<Trend.Verdict> shown = new ArrayList<>();
        windows(shown, "RocksDB estimate-num-keys, 'stream'", SoakSampler.series(samples, "state_entries_stream"), aFrom, aTo, bFrom,
                bTo, tol, true, true);
        windows(shown, "RocksDB estimate-num-keys, timers", SoakSampler.series(samples, "state_entries_timers"), aFrom, aTo, bFrom,
                bTo, tol, true, true);
        // figures of each TaskManager process, in the windows it lived through
        Map<String, double[][]> heapByTm = new TreeMap<>();
        for (String tm : sampler.taskManagerPids().keySet()) {
            List<SoakSampler.LiveHeap> own = live.stream().filter(h -> h.taskManager().equals(tm)).toList();
            heapByTm.put(tm, new double[][]{own.stream().mapToDouble(SoakSampler.LiveHeap::t).toArray(),
                own.stream().mapToDouble(SoakSampler.LiveHeap::bytes).toArray()});
            boolean original = !tm.equals(replacement);
            boolean survivor = original && !tm.equals(victim);
            windows(verdicts, tm + " live heap, bytes", heapByTm.get(tm), aFrom, aTo, bFrom, bTo, tol, original, survivor || !original);
            windows(verdicts, tm + " RSS, bytes", SoakSampler.series(samples, "rss_" + tm), aFrom, aTo, bFrom, bTo, tol,
                    original, survivor || !original);
        }

        double[][] active = SoakSampler.series(samples, "active_streams");
        double activeStreamsPeak = Math.max(max(active, aFrom, aTo), max(active, bFrom, bTo));
        // the state the job holds against the streams alive by what the load sent
        double[][] liveSent = SoakSampler.series(samples, "live_streams_sent");
        double[][] ratio = {active[0], new double[active[0].length]};
        for (int i = 0; i < ratio[1].length; i++) {
            ratio[1][i] = liveSent[1][i] > 0 ? active[1][i] / liveSent[1][i] : Double.NaN;
        }
        List<Double> activeToLive = List.of(median(ratio, aFrom, aTo), median(ratio, bFrom, bTo));
        double[][] expired = SoakSampler.series(samples, "streams_expired");
        double expiredBefore = max(expired, 0, aTo);
        double expiredAfter = max(expired, Double.isNaN(time.recovered) ? bTo : time.recovered, bTo);

        List<SoakChart.Mark> marks = new ArrayList<>();
        String[] markNames = {"keeps up", "window before the kill", "kill", "running again", "window after the restart", "end"};
        double[] markTimes = {time.steady, aFrom, aTo, time.recovered, bFrom, bTo};
        for (int i = 0; i < markTimes.length; i++) {
            if (!Double.isNaN(markTimes[i])) {
                // XChart takes each series name once: the marks are named
                marks.add(new SoakChart.Mark(markNames[i], markTimes[i]));
            }
        }
        SoakChart.write(panels(samples, heapByTm, sampler.taskManagerPids().keySet()), marks,
                samples.isEmpty() ? bTo : Math.max(bTo, samples.get(samples.size() - 1).t()), out.resolve("soak.png"));

        StringBuilder summary = new StringBuilder();
        summary.append("soak: ").append(s).append('\n');
        events.forEach(e -> summary.append(String.format(Locale.ROOT, "  %7.1f s  %s%n", e.t(), e.what())));
        summary.append(String.format(Locale.ROOT, "windows: before the kill %.0f-%.0f s, after the restart %.0f-%.0f s%n", aFrom, aTo, bFrom, bTo));
        summary.append("RocksDB metrics of the keyed operator: ").append(sampler.rocksDbMetrics()).append('\n');
        summary.append(String.format(Locale.ROOT, "%-62s %14s %14s %9s %s%n", "figure (window)", "first span", "last span", "growth", "verdict"));
        for (Trend.Verdict v : verdicts) {
            summary.append(String.format(Locale.ROOT, "%-62s %14s %14s %8.1f%% %s%n", v.figure(), figure(v.first(), v.figure()),
                    figure(v.last(), v.figure()), 100 * v.relativeGrowth(), v.levels() ? "levels off" : "GROWS / NOT SEEN"));
        }
        for (Trend.Verdict v : shown) {
            summary.append(String.format(Locale.ROOT, "%-62s %14s %14s %8.1f%% %s%n", v.figure(), figure(v.first(), v.figure()),
                    figure(v.last(), v.figure()), 100 * v.relativeGrowth(), "(shown, not judged)"));
        }
        double seconds = bTo;
        summary.append(String.format(Locale.ROOT, "load: %d distinct streams (%.1f%% ended with a marker), %d elements (%.0f/s), %d results read,"
                        + " results by version %s; streams expired: %.0f before the kill, %.0f after the restart%n",
                load.streamsStarted(), 100.0 * load.endsSent() / Math.max(1, load.streamsStarted()), load.elementsSent(),
                load.elementsSent() / seconds, load.resultsRead(), load.resultsByVersion(), expiredBefore, expiredAfter));
        summary.append(String.format(Locale.ROOT, "live streams: at most %.0f at once; activeStreams peaked at %.0f in the windows;"
                        + " activeStreams / streams live by what was sent, median: %.2f before the kill, %.2f after the restart%n",
                liveStreamsBound(s), activeStreamsPeak, activeToLive.get(0), activeToLive.get(1)));
        double[][] duration = SoakSampler.series(samples, "checkpoint_duration_ms");
        summary.append(String.format(Locale.ROOT, "checkpoint duration, median: %.0f ms before the kill, %.0f ms after the restart%n",
                median(duration, aFrom, aTo), median(duration, bFrom, bTo)));
        Files.writeString(out.resolve("summary.txt"), summary);
        System.out.print(summary);
        return new Report(verdicts, expiredBefore, expiredAfter, activeStreamsPeak, activeToLive);
    }

    /** The verdicts on one figure: in the window before the kill, after the restart, and from one to the other. */
    private static void windows(List<Trend.Verdict> verdicts, String figure, double[][] series, double aFrom, double aTo, double bFrom,
                                double bTo, double tol, boolean before, boolean after) {
        Trend.Verdict a = before ? Trend.of(figure + " (before the kill)", series[0], series[1], aFrom, aTo, tol) : null;
        Trend.Verdict b = after ? Trend.of(figure + " (after the restart)", series[0], series[1], bFrom, bTo, tol) : null;
        if (a != null) {
            verdicts.add(a);
        }
        if (b != null) {
            verdicts.add(b);
        }
        if (a != null && b != null) {
            verdicts.add(Trend.step(figure + " (before → after)", a, b, tol));
        }
    }

    private static String figure(double v, String figure) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return figure.contains("bytes") ? String.format(Locale.ROOT, "%.1f MiB", v / MIB) : String.format(Locale.ROOT, "%.0f", v);
    }

    private static double median(double[][] series, double from, double to) {
        double[] in = java.util.stream.IntStream.range(0, series[0].length)
                .filter(i -> series[0][i] >= from && series[0][i] <= to && !Double.isNaN(series[1][i]))
                .mapToDouble(i -> series[1][i]).sorted().toArray();
        return in.length == 0 ? Double.NaN : in[in.length / 2];
    }

    private static double max(double[][] series, double from, double to) {
        double m = 0;
        for (int i = 0; i < series[0].length; i++) {
            if (series[0][i] >= from && series[0][i] <= to && !Double.isNaN(series[1][i])) {
                m = Math.max(m, series[1][i]);
            }
        }
        return m;
    }

    private static List<SoakChart.Panel> panels(List<SoakSampler.Sample> samples, Map<String, double[][]> heapByTm, Iterable<String> tms) {
        List<SoakChart.Line> heap = new ArrayList<>();
        List<SoakChart.Line> rss = new ArrayList<>();
        List<SoakChart.Line> heapUsed = new ArrayList<>();
        for (String tm : tms) {
            double[][] h = heapByTm.get(tm);
            heap.add(new SoakChart.Line(tm, h[0], SoakChart.scaled(h[1], b -> b / MIB), true));
            double[][] r = SoakSampler.series(samples, "rss_" + tm);
            rss.add(new SoakChart.Line(tm, r[0], SoakChart.scaled(r[1], b -> b / MIB), false));
            double[][] u = SoakSampler.series(samples, "heap_used_" + tm);
            heapUsed.add(new SoakChart.Line(tm, u[0], SoakChart.scaled(u[1], b -> b / MIB), false));
        }
        double[][] keys = SoakSampler.series(samples, "state_entries_stream");
        double[][] timers = SoakSampler.series(samples, "state_entries_timers");
        double[][] active = SoakSampler.series(samples, "active_streams");
        double[][] liveSent = SoakSampler.series(samples, "live_streams_sent");
        double[][] ckpt = SoakSampler.series(samples, "checkpoint_bytes");
        double[][] written = SoakSampler.series(samples, "checkpoint_written_bytes");
        double[][] duration = SoakSampler.series(samples, "checkpoint_duration_ms");
        return List.of(
                new SoakChart.Panel("TaskManager live heap (after a full collection)", "MiB", heap),
                new SoakChart.Panel("TaskManager RSS", "MiB", rss),
                new SoakChart.Panel("Keyed state entries", "entries", List.of(
                        new SoakChart.Line("RocksDB estimate-num-keys, stream state", keys[0], keys[1], false),
                        new SoakChart.Line("RocksDB estimate-num-keys, timers", timers[0], timers[1], false),
                        new SoakChart.Line("activeStreams gauge", active[0], active[1], false),
                        new SoakChart.Line("streams live by what was sent", liveSent[0], liveSent[1], false))),
                new SoakChart.Panel("Latest completed checkpoint", "MiB", List.of(
                        new SoakChart.Line("full size", ckpt[0], SoakChart.scaled(ckpt[1], b -> b / MIB), false),
                        new SoakChart.Line("written by it (incremental)", written[0], SoakChart.scaled(written[1], b -> b / MIB), false))),
                new SoakChart.Panel("Throughput", "per second", List.of(
                        rate("elements sent", SoakSampler.series(samples, "elements_sent")),
                        rate("results read (read_committed)", SoakSampler.series(samples, "results_read")))),
                new SoakChart.Panel("TaskManager heap used, sampled", "MiB", heapUsed),
                new SoakChart.Panel("Latest completed checkpoint, end to end", "ms", List.of(
                        new SoakChart.Line("duration", duration[0], duration[1], false))));
    }

    /** The per-second rate of a counter over the last 10 s or more (results come in bursts, one per checkpoint). */
    private static SoakChart.Line rate(String name, double[][] counter) {
        int n = counter[0].length;
        double[] t = new double[n];
        double[] y = new double[n];
        int from = 0;
        for (int i = 0; i < n; i++) {
            while (from < i && counter[0][i] - counter[0][from + 1] >= 10) {
                from++;
            }
            t[i] = counter[0][i];
            y[i] = counter[0][i] - counter[0][from] >= 10 ? (counter[1][i] - counter[1][from]) / (counter[0][i] - counter[0][from]) : Double.NaN;
        }
        return new SoakChart.Line(name, t, y, false);
    }
}
