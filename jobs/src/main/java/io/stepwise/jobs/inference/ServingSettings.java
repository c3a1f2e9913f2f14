package io.stepwise.jobs.inference;

import io.stepwise.jobs.config.Durations;
import io.stepwise.jobs.config.JobOption;
import io.stepwise.jobs.config.OptionGroup;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelLimits;
import io.stepwise.modelstream.ModelAdmission;
import io.stepwise.modelstream.ModelLocations;
import io.stepwise.modelstream.TrustedKeys;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the inference job's keyed operator: how it serves model versions to streams.
 *
 * @param modelName          the model this job serves; announcements of other models on the same
 *                           topic are ignored. Null: the first valid announcement (or --model) names it.
 * @param idleTimeout        a stream idle this long loses its state, so state stays bounded when
 *                           streams come and go; the next element starts it fresh. Default 30 min.
 * @param maxPendingPerStream elements buffered per stream while no model version exists yet
 *                           (cold start without --model); beyond it elements are dead-lettered.
 * @param updatePolicy       what a stream in mid-sequence does when a new version arrives; null:
 *                           the model kind's default (pin for taggers, rewarm for sums)
 * @param rewarmWindow       elements kept per stream for {@link UpdatePolicy#REWARM}
 * @param keptVersions       model versions kept in broadcast state, the newest ones; a stream pinned
 *                           to an older one moves to the newest (metric pinnedVersionsEvicted)
 * @param alignToEventTime   recordings: hold each element until the watermark passes it and serve it
 *                           with the version announced before it in event time, so that a recorded
 *                           version applies exactly where it applied live; off for live streams,
 *                           where each element is served at once by the newest version
 * @param batchSize          elements of different streams stepped together in one batched product;
 *                           1 steps each element as it comes
 * @param maxBatchDelay      the longest an element waits for its batch to fill before it is stepped
 * @param admission          what an announced version must pass: a signature by a trusted key
 *                           (--trusted-keys), a URI in an allowed folder (--model-uri-allow; by default
 *                           the folder of --model), the file and model limits (--max-model-bytes)
 */
public record ServingSettings(String modelName, Duration idleTimeout, int maxPendingPerStream,
                              UpdatePolicy updatePolicy, int rewarmWindow, int keptVersions, boolean alignToEventTime,
                              int batchSize, Duration maxBatchDelay, ModelAdmission admission)
        implements Serializable {

    public ServingSettings {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("--idle-timeout must be positive, got " + idleTimeout);
        }
        if (maxPendingPerStream < 0) {
            throw new IllegalArgumentException("--max-pending must not be negative");
        }
        if (rewarmWindow < 1) {
            throw new IllegalArgumentException("--rewarm-window must be at least 1 element, got " + rewarmWindow);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (maxBatchDelay == null || maxBatchDelay.isNegative()) {
            throw new IllegalArgumentException("--max-batch-delay must not be negative, got " + maxBatchDelay);
        }
        if (keptVersions < 1) {
            throw new IllegalArgumentException("--kept-versions: at least one model version must be kept, got " + keptVersions);
        }
        if (admission == null) {
            admission = ModelAdmission.defaults();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ServingSettings defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        return new Builder().modelName(modelName).idleTimeout(idleTimeout).maxPendingPerStream(maxPendingPerStream)
                .updatePolicy(updatePolicy).rewarmWindow(rewarmWindow).keptVersions(keptVersions).alignToEventTime(alignToEventTime)
                .batchSize(batchSize).maxBatchDelay(maxBatchDelay).admission(admission);
    }

    /** The policy in force for a model of {@code kind}. */
    public UpdatePolicy policyFor(ModelKind kind) {
        return updatePolicy != null ? updatePolicy : UpdatePolicy.defaultFor(kind);
    }

    /** Builds {@link ServingSettings}; every field starts at its default. */
    public static final class Builder {
        private String modelName;
        private Duration idleTimeout = Duration.ofMinutes(30);
        private int maxPendingPerStream = 1000;
        private UpdatePolicy updatePolicy;
        private int rewarmWindow = 16;
        private int keptVersions = 4;
        private boolean alignToEventTime;
        private int batchSize = 128;
        private Duration maxBatchDelay = Duration.ofMillis(2);
        private TrustedKeys trustedKeys;
        private final List<String> modelUriAllow = new ArrayList<>();
        private String defaultModelFolder;
        private long maxModelBytes = ModelLimits.DEFAULTS.maxFileBytes();

        public Builder modelName(String v) {
            modelName = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder maxPendingPerStream(int v) {
            maxPendingPerStream = v;
            return this;
        }

        public Builder updatePolicy(UpdatePolicy v) {
            updatePolicy = v;
            return this;
        }

        public Builder rewarmWindow(int v) {
            rewarmWindow = v;
            return this;
        }

        public Builder keptVersions(int v) {
            keptVersions = v;
            return this;
        }

        public Builder alignToEventTime(boolean v) {
            alignToEventTime = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder maxBatchDelay(Duration v) {
            maxBatchDelay = v;
            return this;
        }

        /** Accept only versions signed by one of these keys; null: versions are not authenticated. */
        public Builder trustedKeys(TrustedKeys keys) {
            trustedKeys = keys;
            return this;
        }

        /** Allow announced files under this folder (a URI, or a local path); adds to those given before. */
        public Builder allowModelUri(String folder) {
            modelUriAllow.add(folder);
            return this;
        }

        /** The folder allowed when none is given with {@link #allowModelUri}: the folder of --model. */
        public Builder defaultModelFolder(Path folder) {
            defaultModelFolder = folder == null ? null : folder.toAbsolutePath().normalize().toString();
            return this;
        }

        public Builder maxModelBytes(long bytes) {
            maxModelBytes = bytes;
            return this;
        }

        /** Every admission setting at once (a copy of other settings). */
        Builder admission(ModelAdmission a) {
            trustedKeys = a.trustedKeys();
            modelUriAllow.clear();
            modelUriAllow.addAll(a.locations().folders());
            maxModelBytes = a.limits().maxFileBytes();
            return this;
        }

        public ServingSettings build() {
            List<String> allow = !modelUriAllow.isEmpty() || defaultModelFolder == null ? modelUriAllow : List.of(defaultModelFolder);
            if (maxModelBytes < 1) {
                throw new IllegalArgumentException("--max-model-bytes must be positive, got " + maxModelBytes);
            }
            ModelAdmission admission = new ModelAdmission(trustedKeys, ModelLocations.of(allow),
                    ModelLimits.DEFAULTS.withMaxFileBytes(maxModelBytes));
            return new ServingSettings(modelName, idleTimeout, maxPendingPerStream, updatePolicy, rewarmWindow, keptVersions,
                    alignToEventTime, batchSize, maxBatchDelay, admission);
        }
    }

    /** The options that set these settings. */
    public static final OptionGroup<Builder> OPTIONS = new OptionGroup<>("Serving",
            JobOption.<Builder>value("--model-name", "NAME",
                    "Serve only announcements of this model (default: the first one seen, or --model's).", null, Builder::modelName),
            JobOption.<Builder>value("--idle-timeout", "DURATION", "A stream idle this long loses its state.",
                    b -> b.idleTimeout, (b, v) -> b.idleTimeout(Durations.parse(v, "--idle-timeout"))),
            JobOption.<Builder>value("--max-pending", "N", "Elements kept per stream while no model version exists yet.",
                    b -> b.maxPendingPerStream, (b, v) -> b.maxPendingPerStream(OptionGroup.integer("--max-pending", v))),
            JobOption.<Builder>value("--update-policy", "pin|switch|rewarm",
                    "What a stream in mid-sequence does when a new version arrives (default: pin for taggers, rewarm for sums).",
                    null, (b, v) -> b.updatePolicy(UpdatePolicy.parse(v))),
            JobOption.<Builder>value("--rewarm-window", "N", "Elements kept per stream to rewarm its state under a new version.",
                    b -> b.rewarmWindow, (b, v) -> b.rewarmWindow(OptionGroup.positive("--rewarm-window", v))),
            JobOption.<Builder>value("--kept-versions", "N", "Model versions kept for streams pinned to them.",
                    b -> b.keptVersions, (b, v) -> b.keptVersions(OptionGroup.positive("--kept-versions", v))),
            JobOption.<Builder>value("--batch-size", "N",
                    "Elements of different streams stepped together in one batched product; 1 steps each as it comes.",
                    b -> b.batchSize, (b, v) -> b.batchSize(OptionGroup.positive("--batch-size", v))),
            JobOption.<Builder>value("--max-batch-delay", "DURATION", "The longest an element waits for its batch to fill.",
                    b -> b.maxBatchDelay, (b, v) -> b.maxBatchDelay(Durations.parse(v, "--max-batch-delay"))));

    /** Which announced versions are accepted: signed ones, from allowed places, of a bounded size. */
    public static final OptionGroup<Builder> TRUST_OPTIONS = new OptionGroup<>("Model versions: trust and limits",
            JobOption.<Builder>value("--trusted-keys", "FILE",
                    "Accept only model versions signed by one of the Ed25519 public keys in this PEM file (several for "
                            + "rotation; stepwise keys generate). Without it versions are not authenticated.",
                    null, (b, v) -> b.trustedKeys(TrustedKeys.read(Path.of(v)))),
            JobOption.<Builder>value("--model-uri-allow", "PREFIX",
                    "A folder (URI or path) announced model files may be fetched from; repeat it or give a comma list "
                            + "(default: the folder of --model; inline announcements need none).",
                    null, (b, v) -> {
                        for (String f : v.split(",")) {
                            if (!f.isBlank()) {
                                b.allowModelUri(f.trim());
                            }
                        }
                    }).repeatable(),
            JobOption.<Builder>value("--max-model-bytes", "SIZE", "Largest model file accepted, e.g. 256MiB.",
                    b -> OptionGroup.formatBytes(b.maxModelBytes),
                    (b, v) -> b.maxModelBytes(OptionGroup.bytes("--max-model-bytes", v))));
}
