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
 */
public record InferenceOptions(String modelName, Duration idleTimeout, int maxPendingPerStream) implements Serializable {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_PENDING = 1000;

    public InferenceOptions {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (maxPendingPerStream < 0) {
            throw new IllegalArgumentException("max pending per stream must not be negative");
        }
    }

    public static InferenceOptions defaults() {
        return new InferenceOptions(null, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_PENDING);
    }

    public InferenceOptions withModelName(String name) {
        return new InferenceOptions(name, idleTimeout, maxPendingPerStream);
    }

    public InferenceOptions withIdleTimeout(Duration d) {
        return new InferenceOptions(modelName, d, maxPendingPerStream);
    }

    public InferenceOptions withMaxPendingPerStream(int n) {
        return new InferenceOptions(modelName, idleTimeout, n);
    }
}
