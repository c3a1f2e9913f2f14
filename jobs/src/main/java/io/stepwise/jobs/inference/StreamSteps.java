package io.stepwise.jobs.inference;

import io.stepwise.lstm.StepClock;
import io.stepwise.model.StateCarry;
import io.stepwise.wire.DeadLetter;
import io.stepwise.wire.Element;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.Result;
import io.stepwise.wire.SourcedElement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * The per-element work of the inference operator, for many streams at once: for each element the
 * stream's state is read, duplicates and end markers are handled, the version is chosen by the update
 * policy, then the elements of all streams are stepped together (one batched product per version,
 * {@link ServedModel#stepBatch}) and each stream's state is written back and its result emitted.
 *
 * <p>Two elements of one stream cannot share a product (the second needs the state the first
 * leaves): they go in successive rounds, so every stream's elements are stepped, and their results
 * emitted, in arrival order.
 */
final class StreamSteps {

    /** Selects the stream whose keyed state the next reads and writes see. */
    interface Keys {
        void select(String stream);
    }

    /** Where results and dead letters go, with the timestamp of the element they came from (or null). */
    interface Emitter {
        void result(KeyedJson result, Long timestamp);

        void deadLetter(KeyedJson letter);
    }

    /** An element to step: with its record's timestamp, and the version it must use (recordings) or null (the live choice). */
    record Arrival(SourcedElement element, Long timestamp, ServedModel version) {
        String stream() {
            return element.stream();
        }
    }

    /** An element ready for the batched step: its stream's state and the version that steps it. */
    private record Step(Arrival arrival, StreamState state, ServedModel model, boolean fresh) {
    }

    private final ServingSettings settings;
    private final ModelVersions versions;
    private final StreamStates state;
    private final InternalTimerService<VoidNamespace> timers;
    private final Keys keys;
    private final Emitter out;
    private final InferenceMetrics metrics;

    private Element[] elements = new Element[0];
    private StreamState[] states = new StreamState[0];
    private List<Result>[] results = newResults(0);

    StreamSteps(ServingSettings settings, ModelVersions versions, StreamStates state,
                InternalTimerService<VoidNamespace> timers, Keys keys, Emitter out, InferenceMetrics metrics) {
        this.settings = settings;
        this.versions = versions;
        this.state = state;
        this.timers = timers;
        this.keys = keys;
        this.out = out;
        this.metrics = metrics;
    }

    /** Steps {@code arrivals} (in arrival order) at processing time {@code now}. */
    void run(List<Arrival> arrivals, long now) throws Exception {
        List<Arrival> rest = arrivals;
        while (!rest.isEmpty()) {
            rest = round(rest, now);
        }
    }

    /**
     * Steps the first of {@code arrivals} of every stream, together, and returns the others, in
     * arrival order: each needs the state its predecessor leaves.
     */
    List<Arrival> round(List<Arrival> arrivals, long now) throws Exception {
        List<Arrival> round = new ArrayList<>(arrivals.size());
        List<Arrival> later = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Arrival a : arrivals) {
            (taken.add(a.stream()) ? round : later).add(a);
        }
        step(round, now);
        return later;
    }

    /** One round: at most one element per stream. */
    private void step(List<Arrival> round, long now) throws Exception {
        List<Step> steps = new ArrayList<>(round.size());
        for (Arrival a : round) {
            keys.select(a.stream());
            Step s = prepare(a);
            if (s != null) {
                steps.add(s);
            }
        }
        Map<ServedModel, List<Step>> byVersion = new LinkedHashMap<>();
        for (Step s : steps) {
            byVersion.computeIfAbsent(s.model(), m -> new ArrayList<>()).add(s);
        }
        Map<Step, List<Result>> done = new java.util.IdentityHashMap<>();
        for (Map.Entry<ServedModel, List<Step>> group : byVersion.entrySet()) {
            List<Step> g = group.getValue();
            int n = g.size();
            ensure(n);
            for (int i = 0; i < n; i++) {
                elements[i] = g.get(i).arrival().element().element();
                states[i] = g.get(i).state();
            }
            boolean timed = metrics.timesNext(n);
            long t0 = timed ? StepClock.threadCpuNanos() : 0;
            group.getKey().stepBatch(elements, states, n, results);
            metrics.stepped(n, timed ? StepClock.threadCpuNanos() - t0 : -1);
            for (int i = 0; i < n; i++) {
                done.put(g.get(i), results[i]);
            }
        }
        for (Step s : steps) {
            keys.select(s.arrival().stream());
            finish(s, done.get(s), now);
        }
    }

    /** The checks before the step; null when the element is done with (a duplicate, an end marker, refused). */
    private Step prepare(Arrival a) throws Exception {
        SourcedElement in = a.element();
        Element e = in.element();
        StreamState s = state.read();
        if (e.seq() != null && s != null && e.seq() <= s.lastSeq) {
            metrics.duplicates.inc();
            return null;
        }
        if (e.end()) {
            if (s != null) {
                // the words still waiting for their final tag get it from the version that tagged them
                ServedModel own = versions.version(s.version);
                emit(own != null ? own.end(e.stream(), s) : DelayedTags.settleAsGiven(e.stream(), s, versions.serving().model().name(),
                        s.version), a.timestamp());
                if (s.expiryTimer != 0) {
                    timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, s.expiryTimer);
                }
                state.clear();
                metrics.activeStreams--;
            }
            return null;
        }
        ServedModel model = a.version() != null ? a.version() : versions.serving();
        String refusal = model.model().refusal(e.input());
        if (refusal != null) {
            metrics.deadLetters.inc();
            out.deadLetter(DeadLetter.of(in, refusal).keyed(in.stream()));
            return null;
        }
        boolean fresh = s == null;
        ServedModel use = model;
        if (fresh) {
            s = StreamState.fresh(model.config(), model.version());
        } else if (s.version != model.version()) {
            use = forStreamInMidSequence(s, model);
            if (use.version() != s.version && s.waiting() > 0) {
                // waiting tags never mix versions: the version that gave them their first tag settles them
                ServedModel own = versions.version(s.version);
                emit(own != null ? own.end(e.stream(), s) : DelayedTags.settleAsGiven(e.stream(), s, use.model().name(), s.version),
                        a.timestamp());
            }
        }
        if (!s.fits(use.config())) {
            // the stored (h, c) belongs to another architecture: it means nothing to this version;
            // words waiting for a final tag keep the one they were given
            emit(DelayedTags.settleAsGiven(e.stream(), s, use.model().name(), s.version), a.timestamp());
            s.reset(use.config());
            metrics.stateResets.inc();
        }
        return new Step(a, s, use, fresh);
    }

    /**
     * The version for a stream whose state was computed by an older one than {@code newest}, by the
     * update policy. Pin keeps the old version while broadcast state still holds it; rewarm recomputes
     * the state under the newest from the stream's recent inputs; carry moves it to the newest by the
     * model kind's carry (a kind without one keeps its default policy).
     */
    private ServedModel forStreamInMidSequence(StreamState s, ServedModel newest) throws Exception {
        return forStreamInMidSequence(s, newest, settings.policyFor(newest.model().kind()));
    }

    private ServedModel forStreamInMidSequence(StreamState s, ServedModel newest, UpdatePolicy policy) throws Exception {
        switch (policy) {
            case PIN -> {
                ServedModel pinned = versions.version(s.version);
                if (pinned != null) {
                    return pinned;
                }
                metrics.pinnedEvicted.inc();
                return newest;
            }
            case REWARM -> {
                if (s.fits(newest.config())) {
                    newest.rewarm(s);
                    metrics.rewarmed.inc();
                }
                return newest;
            }
            case CARRY -> {
                StateCarry.Carried c = newest.carry(s, versions.version(s.version));
                if (c == null) {
                    return forStreamInMidSequence(s, newest, UpdatePolicy.defaultFor(newest.model().kind()));
                }
                metrics.carried.inc();
                if (c.fromExact()) {
                    metrics.carriedFromExact.inc();
                }
                return newest;
            }
            default -> {
                return newest;
            }
        }
    }

    /** The stream's state after its step, written back, and its result out. */
    private void finish(Step step, List<Result> rs, long now) throws Exception {
        StreamState s = step.state();
        Element e = step.arrival().element().element();
        if (step.fresh()) {
            metrics.activeStreams++;
        }
        s.version = step.model().version();
        if (settings.policyFor(step.model().model().kind()) == UpdatePolicy.REWARM) {
            s.remember(e.token(), e.value(), settings.rewarmWindow());
        }
        if (e.seq() != null) {
            s.lastSeq = e.seq();
        }
        s.lastActive = now;
        if (s.expiryTimer == 0) {
            // one timer per stream, moved forward lazily when it fires instead of on every element
            s.expiryTimer = now + settings.idleTimeout().toMillis();
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, s.expiryTimer);
        }
        state.changed(s, !step.fresh());
        emit(rs, step.arrival().timestamp());
    }

    private void emit(List<Result> rs, Long timestamp) {
        for (Result r : rs) {
            out.result(new KeyedJson(r.stream(), r.toJson()), timestamp);
            metrics.resultsOut.markEvent();
            if (r instanceof Result.Sum sum && Boolean.FALSE.equals(sum.inRange())) {
                metrics.resultsOutOfRange.inc();
            }
        }
    }

    private void ensure(int n) {
        if (elements.length < n) {
            elements = new Element[n];
            states = new StreamState[n];
            results = newResults(n);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Result>[] newResults(int n) {
        return (List<Result>[]) new List<?>[n];
    }
}
