package io.stepwise.jobs.inference;

import io.stepwise.model.Model;
import io.stepwise.modelstream.ModelVersionLoader;
import io.stepwise.wire.DeadLetter;
import io.stepwise.wire.Element;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.Result;
import io.stepwise.wire.SourcedElement;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the inference job: per stream, one LSTM step per element, a result at once.
 *
 * <p>Keyed by stream, it keeps each stream's {@link StreamState}. The model versions arrive on the
 * broadcast side; each accepted version's file is kept in broadcast state, so a restored job
 * serves the version it served before. Elements that arrive before any version exists wait in
 * keyed state (bounded per stream) and are processed in order when the first version arrives.
 *
 * <p>The per-element work is {@link ServedModel#step}; this class only decides which state and
 * which version to use, so that a later version can gather the steps of many keys into one
 * batched product ({@code PackedLstm.stepBatch}) before a checkpoint barrier.
 */
public class RunningInference extends KeyedBroadcastProcessFunction<String, SourcedElement, ModelAnnouncement, KeyedJson> {

    private static final Logger LOG = LoggerFactory.getLogger(RunningInference.class);

    /** Accepted model files by version; the highest is the one serving. */
    public static final MapStateDescriptor<Integer, byte[]> MODEL_VERSIONS = new MapStateDescriptor<>(
            "model-versions", Types.INT, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    /** When each kept version was announced, in event time; used only when aligned to event time (replays). */
    public static final MapStateDescriptor<Integer, Long> MODEL_VERSION_TIMES = new MapStateDescriptor<>(
            "model-version-times", Types.INT, Types.LONG);

    public static final OutputTag<KeyedJson> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(KeyedJson.class));

    static final ValueStateDescriptor<StreamState> STATE = new ValueStateDescriptor<>("stream", StreamState.class);
    static final ListStateDescriptor<SourcedElement> PENDING = new ListStateDescriptor<>("pending", SourcedElement.class);
    static final ListStateDescriptor<TimedElement> ALIGNED = new ListStateDescriptor<>("aligned", TimedElement.class);

    private final ServingSettings options;
    /** The model file given with --model, served until a newer version is announced; may be null. */
    private final byte[] initialModel;

    private transient ValueState<StreamState> state;
    private transient ListState<SourcedElement> pending;
    private transient ListState<TimedElement> aligned;
    /** The newest version, which new sequences use. */
    private transient ServedModel serving;
    /** Versions built from broadcast state on demand, for streams pinned to them. */
    private transient Map<Integer, ServedModel> loaded;
    private transient Counters counters;

    public RunningInference(ServingSettings options, byte[] initialModel) {
        this.options = options;
        this.initialModel = initialModel;
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(STATE);
        pending = getRuntimeContext().getListState(PENDING);
        aligned = getRuntimeContext().getListState(ALIGNED);
        counters = new Counters(getRuntimeContext().getMetricGroup(), () -> serving == null ? 0 : serving.version());
        loaded = new java.util.HashMap<>();
        if (initialModel != null) {
            serving = ServedModel.of(ModelVersionLoader.read(initialModel, "--model"));
            loaded.put(serving.version(), serving);
        }
    }

    // ---- elements ------------------------------------------------------------------------------

    @Override
    public void processElement(SourcedElement in, ReadOnlyContext ctx, Collector<KeyedJson> out) throws Exception {
        counters.elementsIn.markEvent();
        if (options.alignToEventTime()) {
            // served once the watermark passes it, when every version announced before it is known
            aligned.add(new TimedElement(ctx.timestamp(), in));
            ctx.timerService().registerEventTimeTimer(ctx.timestamp());
            return;
        }
        serve(in, serving(ctx.getBroadcastState(MODEL_VERSIONS)), ctx, out);
    }

    private void serve(SourcedElement in, ServedModel model, ReadOnlyContext ctx, Collector<KeyedJson> out) throws Exception {
        if (model == null) {
            buffer(in, ctx);
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        Side side = new Side(ctx.timerService(), dl -> ctx.output(DEAD_LETTERS, dl), ctx.getBroadcastState(MODEL_VERSIONS));
        drainPending(model, now, side, out);
        process(in, model, now, side, out);
    }

    /** Serves the held elements whose event time the watermark has passed, each with the version in force then. */
    private void serveAligned(long watermark, OnTimerContext ctx, Collector<KeyedJson> out) throws Exception {
        List<TimedElement> due = new ArrayList<>();
        List<TimedElement> later = new ArrayList<>();
        for (TimedElement t : aligned.get()) {
            (t.at() <= watermark ? due : later).add(t);
        }
        aligned.update(later);
        for (TimedElement t : due) {
            serve(t.element(), versionAt(t.at(), ctx.getBroadcastState(MODEL_VERSIONS), ctx.getBroadcastState(MODEL_VERSION_TIMES)), ctx, out);
        }
    }

    /**
     * The version in force at event time {@code at}: the newest announced before it; if all were
     * announced later, the first one (live, such elements waited for the first version).
     */
    private ServedModel versionAt(long at, ReadOnlyBroadcastState<Integer, byte[]> versions,
                                  ReadOnlyBroadcastState<Integer, Long> times) throws Exception {
        int best = -1;
        int first = Integer.MAX_VALUE;
        for (Map.Entry<Integer, Long> e : times.immutableEntries()) {
            first = Math.min(first, e.getKey());
            if (e.getValue() < at && e.getKey() > best) {
                best = e.getKey();
            }
        }
        if (best < 0 && first != Integer.MAX_VALUE) {
            best = first;
        }
        return best < 0 ? serving(versions) : version(best, versions);
    }

    /**
     * Where a step's side effects go: the timer service (absent on the broadcast side, where
     * Flink offers none; the stream's next element then registers its expiry timer) and the
     * dead-letter output.
     */
    private record Side(org.apache.flink.streaming.api.TimerService timers, java.util.function.Consumer<KeyedJson> deadLetters,
                        ReadOnlyBroadcastState<Integer, byte[]> versions) {
    }

    private void buffer(SourcedElement in, ReadOnlyContext ctx) throws Exception {
        int n = 0;
        for (SourcedElement ignored : pending.get()) {
            n++;
        }
        if (n >= options.maxPendingPerStream()) {
            deadLetter(dl -> ctx.output(DEAD_LETTERS, dl), in, "no model version has arrived yet and stream "
                    + in.stream() + " already has " + n + " elements waiting (--max-pending)");
            return;
        }
        pending.add(in);
    }

    private void drainPending(ServedModel model, long now, Side side, Collector<KeyedJson> out) throws Exception {
        Iterable<SourcedElement> waiting = pending.get();
        if (waiting == null || !waiting.iterator().hasNext()) {
            return;
        }
        List<SourcedElement> copy = new ArrayList<>();
        waiting.forEach(copy::add);
        pending.clear();
        for (SourcedElement e : copy) {
            process(e, model, now, side, out);
        }
    }

    private void process(SourcedElement in, ServedModel model, long now, Side side, Collector<KeyedJson> out) throws Exception {
        Element e = in.element();
        StreamState s = state.value();
        if (e.seq() != null && s != null && e.seq() <= s.lastSeq) {
            counters.duplicates.inc();
            return;
        }
        if (e.end()) {
            if (s != null) {
                if (s.expiryTimer != 0 && side.timers() != null) {
                    side.timers().deleteProcessingTimeTimer(s.expiryTimer);
                }
                state.clear();
                counters.activeStreams--;
            }
            return;
        }
        boolean fresh = s == null;
        ServedModel use = model;
        if (fresh) {
            s = StreamState.fresh(model.config(), model.version());
        } else if (s.version != model.version()) {
            use = forStreamInMidSequence(s, model, side.versions());
        }
        if (!s.fits(use.config())) {
            // the stored (h, c) belongs to another architecture: it means nothing to this version
            s.reset(use.config());
            counters.stateResets.inc();
        }
        Result r;
        long t0 = System.nanoTime();
        try {
            r = use.step(e, s);
        } catch (IllegalArgumentException wrongKind) {
            deadLetter(side.deadLetters(), in, wrongKind.getMessage());
            return;
        }
        counters.stepMicros.update((System.nanoTime() - t0) / 1000);
        if (fresh) {
            counters.activeStreams++;
        }
        s.version = use.version();
        if (policy(use) == UpdatePolicy.REWARM) {
            s.remember(e.token(), e.value(), options.rewarmWindow());
        }
        if (e.seq() != null) {
            s.lastSeq = e.seq();
        }
        s.lastActive = now;
        if (s.expiryTimer == 0 && side.timers() != null) {
            s.expiryTimer = now + options.idleTimeout().toMillis();
            side.timers().registerProcessingTimeTimer(s.expiryTimer);
        }
        state.update(s);
        out.collect(new KeyedJson(e.stream(), r.toJson()));
        counters.resultsOut.markEvent();
    }

    private UpdatePolicy policy(ServedModel m) {
        return options.policyFor(m.model().kind());
    }

    /**
     * The version for a stream whose state was computed by an older one than {@code newest}, by
     * the job's update policy. Pin keeps the old version while broadcast state still holds it;
     * rewarm recomputes the state under the newest from the stream's recent inputs.
     */
    private ServedModel forStreamInMidSequence(StreamState s, ServedModel newest, ReadOnlyBroadcastState<Integer, byte[]> versions) throws Exception {
        switch (policy(newest)) {
            case PIN -> {
                ServedModel pinned = version(s.version, versions);
                if (pinned != null) {
                    return pinned;
                }
                counters.pinnedEvicted.inc();
                return newest;
            }
            case REWARM -> {
                if (s.fits(newest.config())) {
                    newest.rewarm(s);
                    counters.rewarmed.inc();
                }
                return newest;
            }
            default -> {
                return newest;
            }
        }
    }

    /** Version {@code v}, built from broadcast state once per instance; null when no longer kept. */
    private ServedModel version(int v, ReadOnlyBroadcastState<Integer, byte[]> versions) throws Exception {
        ServedModel m = loaded.get(v);
        if (m != null) {
            return m;
        }
        byte[] bytes = versions == null ? null : versions.get(v);
        if (bytes == null) {
            return null;
        }
        m = ServedModel.of(ModelVersionLoader.read(bytes, "broadcast state, version " + v));
        loaded.put(v, m);
        return m;
    }

    /** Idle expiry: one timer per stream, moved forward lazily instead of on every element. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KeyedJson> out) throws Exception {
        if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.EVENT_TIME) {
            serveAligned(timestamp, ctx, out);
            return;
        }
        StreamState s = state.value();
        if (s == null || s.expiryTimer != timestamp) {
            return;
        }
        long idleUntil = s.lastActive + options.idleTimeout().toMillis();
        if (timestamp >= idleUntil) {
            state.clear();
            counters.expiredStreams.inc();
            counters.activeStreams--;
        } else {
            s.expiryTimer = idleUntil;
            ctx.timerService().registerProcessingTimeTimer(idleUntil);
            state.update(s);
        }
    }

    // ---- model versions ------------------------------------------------------------------------

    @Override
    public void processBroadcastElement(ModelAnnouncement a, Context ctx, Collector<KeyedJson> out) throws Exception {
        BroadcastState<Integer, byte[]> versions = ctx.getBroadcastState(MODEL_VERSIONS);
        ServedModel current = serving(versions);
        if (options.modelName() != null && !options.modelName().equals(a.model())) {
            return; // another model's announcement on a shared topic
        }
        if (current != null && !current.model().name().equals(a.model()) && options.modelName() == null) {
            return;
        }
        String rejection = null;
        ModelVersionLoader.Loaded accepted = null;
        if (current != null && a.version() <= current.version()) {
            rejection = "version " + a.version() + " is not newer than the serving version " + current.version();
        } else {
            try {
                accepted = ModelVersionLoader.load(a);
                if (current != null && accepted.model().kind() != current.model().kind()) {
                    rejection = "it is a " + accepted.model().kind().id() + " model, this job serves a " + current.model().kind().id() + " model";
                }
            } catch (IOException | RuntimeException e) {
                rejection = e.getMessage();
            }
        }
        if (rejection != null) {
            counters.rejectedModels.inc();
            if (isFirstInstance()) {
                LOG.warn("rejected model {} v{} ({}): {}; keeping {}", a.model(), a.version(), a.source(), rejection,
                        current == null ? "no version" : "version " + current.version());
                ctx.output(DEAD_LETTERS, new DeadLetter("model announcement rejected: " + rejection, "model-versions", -1, -1, a.toJson()).keyed(a.model()));
            }
            return;
        }
        versions.put(a.version(), accepted.bytes());
        BroadcastState<Integer, Long> times = options.alignToEventTime() ? ctx.getBroadcastState(MODEL_VERSION_TIMES) : null;
        if (times != null) {
            times.put(a.version(), ctx.timestamp());
        }
        // the newest versions stay, the same on every instance (broadcast state must not diverge)
        List<Integer> kept = keys(versions);
        kept.sort(java.util.Comparator.reverseOrder());
        for (Integer old : kept.subList(Math.min(kept.size(), options.keptVersions()), kept.size())) {
            versions.remove(old);
            loaded.remove(old);
            if (times != null) {
                times.remove(old);
            }
        }
        boolean first = current == null;
        serving = ServedModel.of(accepted.model());
        loaded.put(serving.version(), serving);
        if (isFirstInstance()) {
            LOG.info("serving model {} v{} ({})", a.model(), a.version(), first ? "first version" : "was v" + current.version());
        }
        if (first) {
            long now = ctx.currentProcessingTime();
            ServedModel model = serving;
            Side side = new Side(null, dl -> ctx.output(DEAD_LETTERS, dl), versions);
            ctx.applyToKeyedState(PENDING, (stream, list) -> drainPending(model, now, side, out));
        }
    }

    private static List<Integer> keys(BroadcastState<Integer, byte[]> versions) throws Exception {
        List<Integer> keys = new ArrayList<>();
        for (Map.Entry<Integer, byte[]> e : versions.entries()) {
            keys.add(e.getKey());
        }
        return keys;
    }

    /** The version to serve: the cached one, else the newest in broadcast state (after a restore). */
    private ServedModel serving(ReadOnlyBroadcastState<Integer, byte[]> versions) throws Exception {
        int newest = -1;
        byte[] bytes = null;
        for (Map.Entry<Integer, byte[]> e : versions.immutableEntries()) {
            if (e.getKey() > newest) {
                newest = e.getKey();
                bytes = e.getValue();
            }
        }
        if (bytes != null && (serving == null || serving.version() < newest)) {
            Model m = ModelVersionLoader.read(bytes, "broadcast state, version " + newest);
            serving = ServedModel.of(m);
            loaded.put(newest, serving);
        }
        return serving;
    }

    private void deadLetter(java.util.function.Consumer<KeyedJson> output, SourcedElement in, String reason) {
        counters.deadLetters.inc();
        output.accept(DeadLetter.of(in, reason).keyed(in.stream()));
    }

    private boolean isFirstInstance() {
        return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    /** The operator's metrics, under its metric group. */
    static final class Counters {
        final Meter elementsIn;
        final Meter resultsOut;
        final Counter duplicates;
        final Counter deadLetters;
        final Counter rejectedModels;
        final Counter stateResets;
        final Counter expiredStreams;
        final Counter rewarmed;
        final Counter pinnedEvicted;
        final Histogram stepMicros;
        long activeStreams;

        Counters(MetricGroup g, java.util.function.IntSupplier version) {
            elementsIn = g.meter("elementsInPerSecond", new MeterView(60));
            resultsOut = g.meter("resultsOutPerSecond", new MeterView(60));
            duplicates = g.counter("duplicatesDropped");
            deadLetters = g.counter("deadLettered");
            rejectedModels = g.counter("modelVersionsRejected");
            stateResets = g.counter("stateResets");
            expiredStreams = g.counter("streamsExpired");
            rewarmed = g.counter("streamsRewarmed");
            pinnedEvicted = g.counter("pinnedVersionsEvicted");
            stepMicros = g.histogram("stepLatencyMicros", new DescriptiveStatisticsHistogram(10_000));
            g.gauge("activeStreams", () -> Math.max(0, activeStreams));
            g.gauge("modelVersion", version::getAsInt);
        }
    }
}
