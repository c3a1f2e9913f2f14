package io.stepwise.jobs.inference;

import io.stepwise.jobs.config.Durations;
import io.stepwise.jobs.config.JobOption;
import io.stepwise.jobs.config.OptionGroup;
import io.stepwise.model.ModelKind;
import java.io.Serializable;
import java.time.Duration;

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
 *                           the model kind's default (pin for taggers, carry for sums)
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
 */
public record ServingSettings(String modelName, Duration idleTimeout, int maxPendingPerStream,
                              UpdatePolicy updatePolicy, int rewarmWindow, int keptVersions, boolean alignToEventTime,
                              int batchSize, Duration maxBatchDelay)
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
                .batchSize(batchSize).maxBatchDelay(maxBatchDelay);
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

        public ServingSettings build() {
            return new ServingSettings(modelName, idleTimeout, maxPendingPerStream, updatePolicy, rewarmWindow, keptVersions,
                    alignToEventTime, batchSize, maxBatchDelay);
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
            JobOption.<Builder>value("--update-policy", "pin|switch|rewarm|carry",
                    "What a stream in mid-sequence does when a new version arrives (default: pin for taggers, carry for sums).",
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
}
