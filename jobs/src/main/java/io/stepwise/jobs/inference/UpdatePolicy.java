package io.stepwise.jobs.inference;

import io.stepwise.model.ModelKind;
import java.util.Locale;

/**
 * What a stream in mid-sequence does when a new model version arrives. Its {@code (h, c)} was
 * computed by the old weights; under new weights it means something else.
 */
public enum UpdatePolicy {
    /** Finish the sequence on the version it started with; new sequences start on the newest. Taggers' default. */
    PIN,
    /** Keep {@code (h, c)} and continue with the new weights at once. */
    SWITCH,
    /**
     * Recompute the state by running the stream's last W elements through the new version, then
     * continue. Sums' default: their streams may never end, so pinning could last forever.
     */
    REWARM;

    public static UpdatePolicy defaultFor(ModelKind kind) {
        return kind == ModelKind.TAGGER ? PIN : REWARM;
    }

    public static UpdatePolicy parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown update policy '" + s + "'; expected pin, switch or rewarm");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
