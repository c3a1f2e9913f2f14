package io.stepwise.jobs.inference;

import io.stepwise.jobs.inference.InferenceMetrics.FlushCause;
import io.stepwise.tensor.Nd4jRuntime;
import io.stepwise.wire.DeadLetter;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.SourcedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the inference job: per stream, one LSTM step per element, a result per element.
 * Its first input is the elements keyed by stream; its second, broadcast to every instance, the
 * model versions.
 *
 * <p>Elements of different streams are gathered into a micro-batch and stepped together, one
 * batched product per layer ({@link StreamSteps}), because inside a job the weights are evicted
 * from the caches between two elements and a batch reads them once. A batch is stepped when it is
 * full ({@code --batch-size}), after a bounded wait ({@code --max-batch-delay}), before a new model
 * version is taken in, on a watermark, at the end of the input, and before every checkpoint barrier
 * ({@link #prepareSnapshotPreBarrier}): no element is ever held in memory across a checkpoint, so a
 * restore loses and doubles nothing. {@code --batch-size 1} steps each element as it comes.
 *
 * <p>The parts, each in its own class: the model versions ({@link ModelVersions}, broadcast state),
 * the elements that wait for a first version ({@link PendingElements}), the alignment of runs over
 * recordings to event time ({@link RecordingAlignment}), the step ({@link StreamSteps}), idle expiry
 * (here: one processing-time timer per stream), and the metrics ({@link InferenceMetrics}). The
 * state names and the timer service are those of the keyed broadcast function this operator
 * replaced, so savepoints of earlier releases restore into it.
 */
public final class RunningInference extends AbstractStreamOperator<KeyedJson>
        implements TwoInputStreamOperator<SourcedElement, ModelAnnouncement, KeyedJson>, Triggerable<String, VoidNamespace>,
        BoundedMultiInput {

    private static final Logger LOG = LoggerFactory.getLogger(RunningInference.class);

    /** What the job keeps per stream. */
    static final ValueStateDescriptor<StreamState> STREAM = new ValueStateDescriptor<>("stream", StreamState.class);

    /** The timer service of Flink's keyed process operators: restored timers of earlier releases live here. */
    private static final String TIMERS = "user-timers";

    private final ServingSettings settings;
    /** The model file given with --model, served until a newer version is announced; may be null. */
    private final byte[] initialModel;

    private transient ModelVersions versions;
    private transient PendingElements pending;
    private transient RecordingAlignment alignment;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient StreamStates streams;
    private transient StreamSteps steps;
    private transient InferenceMetrics metrics;
    private transient List<StreamSteps.Arrival> batch;
    private transient boolean flushTimerSet;
    /** When the first element of the batch now filling came (processing time); MIN_VALUE while it is empty. */
    private transient long batchSince = Long.MIN_VALUE;

    public RunningInference(ServingSettings settings, byte[] initialModel) {
        this.settings = settings;
        this.initialModel = initialModel;
    }

    /** The operator's metrics once it is open, for tests on a harness (whose metric group registers nothing). */
    InferenceMetrics metrics() {
        return metrics;
    }

    @Override
    public void open() throws Exception {
        super.open();
        // the slots are the parallelism: a batched product must not wait on BLAS threads of its own
        Nd4jRuntime.oneBlasThread();
        BroadcastState<Integer, byte[]> files = getOperatorStateBackend().getBroadcastState(ModelVersions.FILES);
        BroadcastState<Integer, Long> times = getOperatorStateBackend().getBroadcastState(ModelVersions.ANNOUNCED_AT);
        versions = new ModelVersions(settings, files, times, initialModel);
        if (!settings.admission().authenticated() && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            LOG.warn("model versions are not authenticated: whoever can write to the model topic can replace the model served "
                    + "(give --trusted-keys to accept only signed versions)");
        }
        streams = new StreamStates(getRuntimeContext().getState(STREAM), getKeyedStateBackend());
        pending = new PendingElements(getRuntimeContext().getListState(PendingElements.STATE), settings.maxPendingPerStream());
        alignment = new RecordingAlignment(getRuntimeContext().getListState(RecordingAlignment.STATE));
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        metrics = new InferenceMetrics(getMetricGroup(), () -> versions.serving() == null ? 0 : versions.serving().version());
        // a restored subtask holds the streams of its checkpoint: counted once here (one pass over its
        // keys), or activeStreams would count only the streams begun since and sink to 0 as the
        // restored ones end or expire
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = getKeyedStateBackend();
        try (Stream<String> restored = backend.getKeys(STREAM.getName(), VoidNamespace.INSTANCE)) {
            metrics.activeStreams = restored.count();
        }
        steps = new StreamSteps(settings, versions, streams, timers, this::setCurrentKey, new StreamSteps.Emitter() {
            @Override
            public void result(KeyedJson result, Long timestamp) {
                output.collect(timestamp == null ? new StreamRecord<>(result) : new StreamRecord<>(result, timestamp));
            }

            @Override
            public void deadLetter(KeyedJson letter) {
                output.collect(InferenceJob.DEAD_LETTERS, new StreamRecord<>(letter));
            }
        }, metrics);
        batch = new ArrayList<>(settings.batchSize());
    }

    // ---- elements ------------------------------------------------------------------------------

    @Override
    public void processElement1(StreamRecord<SourcedElement> record) throws Exception {
        metrics.elementsIn.markEvent();
        SourcedElement in = record.getValue();
        Long ts = record.hasTimestamp() ? record.getTimestamp() : null;
        if (settings.alignToEventTime()) {
            // served once the watermark passes it, when every version announced before it is known
            alignment.hold(new TimedElement(record.getTimestamp(), in));
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, record.getTimestamp());
            return;
        }
        if (versions.serving() == null) {
            String full = pending.hold(in);
            if (full != null) {
                deadLetter(in, full);
            }
            return;
        }
        batch.add(new StreamSteps.Arrival(in, ts, null));
        if (batch.size() >= settings.batchSize()) {
            flush(FlushCause.FULL);
        } else {
            armFlushTimer();
        }
    }

    /**
     * The bounded wait of the batch now filling, counted from its first element: one timer at a time.
     * A timer armed for an earlier batch that has since been stepped full does not cut this one short:
     * it re-arms for this batch's own deadline.
     */
    private void armFlushTimer() {
        if (batchSince == Long.MIN_VALUE) {
            batchSince = getProcessingTimeService().getCurrentProcessingTime();
        }
        if (!flushTimerSet) {
            flushTimerSet = true;
            getProcessingTimeService().registerTimer(batchSince + settings.maxBatchDelay().toMillis(), this::onFlushTimer);
        }
    }

    private void onFlushTimer(long time) throws Exception {
        flushTimerSet = false;
        if (batch.isEmpty()) {
            return;
        }
        if (time >= batchSince + settings.maxBatchDelay().toMillis()) {
            flush(FlushCause.TIMER);
        } else {
            armFlushTimer();
        }
    }

    /**
     * Steps what the batch holds, in arrival order. A full batch often holds a few streams twice (128
     * elements of 2,500 streams: three, on average); their second elements need the state the first
     * leave, so they would be a product of their own, of a few rows that read all the weights.
     * Instead they begin the next batch, so they wait at most one more bounded wait. Every other
     * flush (timer, checkpoint, watermark, version, end) steps everything, and so does a full batch
     * that is mostly a few streams' backlog.
     */
    private void flush(FlushCause cause) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        List<StreamSteps.Arrival> now = batch;
        batch = new ArrayList<>(settings.batchSize());
        batchSince = Long.MIN_VALUE;
        metrics.flushed(cause, now.size());
        long time = getProcessingTimeService().getCurrentProcessingTime();
        List<StreamSteps.Arrival> rest = steps.round(now, time);
        if (cause == FlushCause.FULL && rest.size() * 4 < now.size()) {
            batch.addAll(rest);
            if (!batch.isEmpty()) {
                armFlushTimer();
            }
        } else {
            steps.run(rest, time);
        }
    }

    /** No element crosses a checkpoint in memory: what the batch holds is stepped before the barrier. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(FlushCause.CHECKPOINT);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput(int inputId) throws Exception {
        flush(FlushCause.END_OF_INPUT);
    }

    /**
     * A watermark steps the batch, then fires the event-time timers of the elements it releases
     * (recordings), steps those, and only then passes on: results stay ahead of the watermark.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(FlushCause.WATERMARK);
        if (getTimeServiceManager().isPresent()) {
            getTimeServiceManager().get().advanceWatermark(mark);
        }
        flush(FlushCause.WATERMARK);
        output.emitWatermark(mark);
    }

    // ---- timers ------------------------------------------------------------------------------

    /** Recordings: the current stream's elements the watermark has released, each with the version in force at its time. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        for (TimedElement t : alignment.due(timer.getTimestamp())) {
            ServedModel v = versions.versionAt(t.at());
            if (v == null) {
                deadLetter(t.element(), "no model version was announced before this element, and none was given with --model");
                continue;
            }
            batch.add(new StreamSteps.Arrival(t.element(), t.at(), v));
        }
    }

    /** Idle expiry: one timer per stream, moved forward lazily instead of on every element. */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        StreamState s = streams.read();
        long timestamp = timer.getTimestamp();
        if (s == null || s.expiryTimer != timestamp) {
            return;
        }
        long idleUntil = s.lastActive + settings.idleTimeout().toMillis();
        if (timestamp >= idleUntil) {
            if (s.waiting() > 0) {
                // an idle stream's waiting words are final with what they have
                metrics.expiredWaitingTags.inc(s.waiting());
                ServedModel own = versions.version(s.version);
                List<io.stepwise.wire.Result> finals = own != null ? own.end(timer.getKey(), s)
                        : DelayedTags.settleAsGiven(timer.getKey(), s, versions.serving().model().name(), s.version);
                for (io.stepwise.wire.Result r : finals) {
                    output.collect(new StreamRecord<>(new KeyedJson(r.stream(), r.toJson())));
                    metrics.resultsOut.markEvent();
                }
            }
            streams.clear();
            metrics.expiredStreams.inc();
            metrics.activeStreams--;
        } else {
            s.expiryTimer = idleUntil;
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, idleUntil);
            streams.changed(s, true);
        }
    }

    // ---- model versions ------------------------------------------------------------------------

    @Override
    public void processElement2(StreamRecord<ModelAnnouncement> record) throws Exception {
        // the elements before an announcement are stepped by the versions they met
        flush(FlushCause.ANNOUNCEMENT);
        ModelAnnouncement a = record.getValue();
        ServedModel before = versions.serving();
        ModelVersions.Verdict v = versions.accept(a, record.hasTimestamp() ? record.getTimestamp() : Long.MIN_VALUE);
        if (v.ignored()) {
            return; // another model's announcement on a shared topic
        }
        boolean reporter = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        if (v.rejection() != null) {
            metrics.rejectedModels.inc();
            if (reporter) {
                LOG.warn("rejected model {} v{} ({}): {}; keeping {}", a.model(), a.version(), a.source(), v.rejection(),
                        before == null ? "no version" : "version " + before.version());
                output.collect(InferenceJob.DEAD_LETTERS, new StreamRecord<>(new DeadLetter("model announcement rejected: "
                        + v.rejection(), "model-versions", -1, -1, a.toJson()).keyed(a.model())));
            }
            return;
        }
        if (reporter) {
            LOG.info("serving model {} v{} ({})", a.model(), a.version(), v.first() ? "first version" : "was v" + before.version());
        }
        if (v.first() && !settings.alignToEventTime()) {
            servePending();
        }
    }

    /** The first version has come: every stream's waiting elements, in order. */
    private void servePending() throws Exception {
        List<String> waiting;
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = getKeyedStateBackend();
        try (Stream<String> keys = backend.getKeys(PendingElements.STATE.getName(), VoidNamespace.INSTANCE)) {
            waiting = keys.collect(Collectors.toList());
        }
        for (String stream : waiting) {
            setCurrentKey(stream);
            for (SourcedElement e : pending.takeAll()) {
                batch.add(new StreamSteps.Arrival(e, null, null));
            }
        }
        flush(FlushCause.FIRST_VERSION);
    }

    /** The {@code activeStreams} gauge's value. */
    long activeStreams() {
        return metrics.activeStreams;
    }

    private void deadLetter(SourcedElement in, String reason) {
        metrics.deadLetters.inc();
        output.collect(InferenceJob.DEAD_LETTERS, new StreamRecord<>(DeadLetter.of(in, reason).keyed(in.stream())));
    }
}
