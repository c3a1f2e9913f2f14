package io.stepwise.jobs.inference;

import io.stepwise.modelstream.ModelVersionLoader;
import io.stepwise.wire.ModelAnnouncement;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The model versions one instance of the inference operator knows: the accepted model files, kept in
 * broadcast state (so a restored job serves what it served before, and every instance holds the
 * same ones), each turned into a {@link ServedModel} once per instance when first needed.
 *
 * <p>An announcement is checked before it is kept: what the job's {@link ServingSettings#admission}
 * demands (a trusted signature, an allowed location, the limits on the file and its model), the
 * file's SHA-256 and own checksum ({@link ModelVersionLoader}), its model name, kind and a version
 * number above the serving one.
 * A rejection says why and changes nothing. The newest {@code keptVersions} stay, for streams
 * pinned to them.
 */
final class ModelVersions {

    /** Accepted model files by version; the highest is the one serving. */
    static final MapStateDescriptor<Integer, byte[]> FILES = new MapStateDescriptor<>(
            "model-versions", Types.INT, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    /** When each kept version was announced, in event time; read only for runs over recordings. */
    static final MapStateDescriptor<Integer, Long> ANNOUNCED_AT = new MapStateDescriptor<>(
            "model-version-times", Types.INT, Types.LONG);

    private final ServingSettings settings;
    private final BroadcastState<Integer, byte[]> files;
    private final BroadcastState<Integer, Long> announcedAt;
    /** The model given with --model: served until a newer version is announced, and before any in a recording. */
    private final ServedModel initial;
    private final Map<Integer, ServedModel> loaded = new HashMap<>();
    private ServedModel serving;

    /** The versions in {@code files} and {@code announcedAt}, as restored (empty in a new job). */
    ModelVersions(ServingSettings settings, BroadcastState<Integer, byte[]> files, BroadcastState<Integer, Long> announcedAt,
                  byte[] initialModel) throws Exception {
        this.settings = settings;
        this.files = files;
        this.announcedAt = announcedAt;
        this.initial = initialModel == null ? null : ServedModel.of(ModelVersionLoader.read(initialModel, "--model", settings.admission().limits()));
        if (initial != null) {
            loaded.put(initial.version(), initial);
            serving = initial;
        }
        int newest = newestKept();
        if (newest >= 0 && (serving == null || serving.version() < newest)) {
            serving = version(newest);
        }
    }

    /**
     * The version new sequences use: the newest accepted, or the initial model; null before any.
     * Only {@link #accept} changes the kept versions, so this is read from memory, never from state.
     */
    ServedModel serving() {
        return serving;
    }

    /** Version {@code v}, built from broadcast state once per instance; null when it is no longer kept. */
    ServedModel version(int v) throws Exception {
        ServedModel m = loaded.get(v);
        if (m != null) {
            return m;
        }
        byte[] bytes = files.get(v);
        if (bytes == null) {
            return null;
        }
        m = ServedModel.of(ModelVersionLoader.read(bytes, "broadcast state, version " + v, settings.admission().limits()));
        loaded.put(v, m);
        return m;
    }

    /**
     * The version in force at event time {@code at} (runs over recordings): the newest announced
     * before it; before any announcement, the initial model when one was given, else the first
     * announced (live, such elements waited for it). It depends on the recording alone, never on
     * how far the announcements' side has got.
     */
    ServedModel versionAt(long at) throws Exception {
        int best = -1;
        int first = Integer.MAX_VALUE;
        for (Map.Entry<Integer, Long> e : announcedAt.entries()) {
            first = Math.min(first, e.getKey());
            if (e.getValue() < at && e.getKey() > best) {
                best = e.getKey();
            }
        }
        if (best >= 0) {
            return version(best);
        }
        if (initial != null) {
            return initial;
        }
        return first == Integer.MAX_VALUE ? null : version(first);
    }

    /** What {@link #accept} made of an announcement. */
    record Verdict(ServedModel accepted, boolean first, String rejection) {
        boolean ignored() {
            return accepted == null && rejection == null;
        }
    }

    /**
     * Checks announcement {@code a} at event time {@code at} and keeps it when it passes; an
     * announcement of another model on a shared topic is ignored.
     */
    Verdict accept(ModelAnnouncement a, long at) throws Exception {
        ServedModel current = serving();
        String name = settings.modelName() != null ? settings.modelName() : current == null ? null : current.model().name();
        if (name != null && !name.equals(a.model())) {
            return new Verdict(null, false, null);
        }
        if (current != null && a.version() <= current.version()) {
            return new Verdict(null, false, "version " + a.version() + " is not newer than the serving version " + current.version());
        }
        ModelVersionLoader.Loaded checked;
        try {
            checked = ModelVersionLoader.load(a, settings.admission());
        } catch (IOException | RuntimeException e) {
            return new Verdict(null, false, e.getMessage());
        }
        if (current != null && checked.model().kind() != current.model().kind()) {
            return new Verdict(null, false, "it is a " + checked.model().kind().id() + " model, this job serves a "
                    + current.model().kind().id() + " model");
        }
        files.put(a.version(), checked.bytes());
        if (settings.alignToEventTime()) {
            announcedAt.put(a.version(), at);
        }
        trim();
        ServedModel accepted = ServedModel.of(checked.model());
        loaded.put(accepted.version(), accepted);
        serving = accepted;
        return new Verdict(accepted, current == null, null);
    }

    /** The newest versions stay, the same on every instance: broadcast state must not diverge. */
    private void trim() throws Exception {
        List<Integer> kept = new ArrayList<>();
        for (Map.Entry<Integer, byte[]> e : files.entries()) {
            kept.add(e.getKey());
        }
        kept.sort(Comparator.reverseOrder());
        for (Integer old : kept.subList(Math.min(kept.size(), settings.keptVersions()), kept.size())) {
            files.remove(old);
            announcedAt.remove(old);
            loaded.remove(old);
        }
    }

    private int newestKept() throws Exception {
        int newest = -1;
        for (Map.Entry<Integer, byte[]> e : files.entries()) {
            newest = Math.max(newest, e.getKey());
        }
        return newest;
    }
}
