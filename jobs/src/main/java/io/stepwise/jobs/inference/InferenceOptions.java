package io.stepwise.jobs.inference;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the inference job's keyed operator, each with the default that runs on one machine.
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
 * @param alignToEventTime   replays: hold each element until the watermark passes it and serve it
 *                           with the version announced before it in event time, so that a recorded
 *                           version applies exactly where it applied live; off for live streams,
 *                           where each element is served at once by the newest version
 */
public record InferenceOptions(String modelName, Duration idleTimeout, int maxPendingPerStream,
                               UpdatePolicy updatePolicy, int rewarmWindow, int keptVersions, boolean alignToEventTime)
        implements Serializable {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_PENDING = 1000;
    public static final int DEFAULT_REWARM_WINDOW = 16;
    public static final int DEFAULT_KEPT_VERSIONS = 4;

    public InferenceOptions {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (maxPendingPerStream < 0) {
            throw new IllegalArgumentException("max pending per stream must not be negative");
        }
        if (rewarmWindow < 1) {
            throw new IllegalArgumentException("the rewarm window must be at least 1 element, got " + rewarmWindow);
        }
        if (keptVersions < 1) {
            throw new IllegalArgumentException("at least one model version must be kept, got " + keptVersions);
        }
    }

    public static InferenceOptions defaults() {
        return new InferenceOptions(null, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_PENDING, null, DEFAULT_REWARM_WINDOW, DEFAULT_KEPT_VERSIONS, false);
    }

    public InferenceOptions alignedToEventTime(boolean on) {
        return new InferenceOptions(modelName, idleTimeout, maxPendingPerStream, updatePolicy, rewarmWindow, keptVersions, on);
    }

    /** The policy in force for a model of {@code kind}. */
    public UpdatePolicy policyFor(io.stepwise.model.ModelKind kind) {
        return updatePolicy != null ? updatePolicy : UpdatePolicy.defaultFor(kind);
    }

    public InferenceOptions withUpdatePolicy(UpdatePolicy p) {
        return new InferenceOptions(modelName, idleTimeout, maxPendingPerStream, p, rewarmWindow, keptVersions, alignToEventTime);
    }

    public InferenceOptions withRewarmWindow(int w) {
        return new InferenceOptions(modelName, idleTimeout, maxPendingPerStream, updatePolicy, w, keptVersions, alignToEventTime);
    }

    public InferenceOptions withKeptVersions(int n) {
        return new InferenceOptions(modelName, idleTimeout, maxPendingPerStream, updatePolicy, rewarmWindow, n, alignToEventTime);
    }

    public InferenceOptions withModelName(String name) {
        return new InferenceOptions(name, idleTimeout, maxPendingPerStream, updatePolicy, rewarmWindow, keptVersions, alignToEventTime);
    }

    public InferenceOptions withIdleTimeout(Duration d) {
        return new InferenceOptions(modelName, d, maxPendingPerStream, updatePolicy, rewarmWindow, keptVersions, alignToEventTime);
    }

    public InferenceOptions withMaxPendingPerStream(int n) {
        return new InferenceOptions(modelName, idleTimeout, n, updatePolicy, rewarmWindow, keptVersions, alignToEventTime);
    }
}
