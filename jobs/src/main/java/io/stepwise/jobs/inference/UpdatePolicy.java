package io.stepwise.jobs.inference;

import io.stepwise.model.ModelKind;
import java.util.Locale;

/**
 * What a stream in mid-sequence does when a new model version arrives. Its {@code (h, c)} was
 * computed by the old weights; under new weights it means something else.
 *
 * <p>Which suits which kind: a tagger's sequences are sentences, which end, and what its state
 * holds means something only to the weights that made it, so it pins. A sum model's streams may
 * never end (a pin could last forever) and its state stands for one thing both versions agree on,
 * the running sum, so it carries that. Rewarm suits a model whose memory is bounded (the last W
 * elements decide its output); for a running sum it keeps only the sum of the window.
 */
public enum UpdatePolicy {
    /** Finish the sequence on the version it started with; new sequences start on the newest. Taggers' default. */
    PIN,
    /** Keep {@code (h, c)} and continue with the new weights at once. */
    SWITCH,
    /**
     * Recompute the state by running the stream's last W elements through the new version, then
     * continue: right for a model whose memory is bounded by W elements, wrong for a running total
     * (the new version then knows only the window's sum).
     */
    REWARM,
    /**
     * Move the stream to the new version by what both versions' states stand for, as the model's
     * kind defines it ({@code Model#newStateCarry}): for sums, the running sum the old version shows
     * (or the exact sum when the old version is no longer held) becomes the new version's
     * {@code (h, c)} through a map calibrated once per version, so results continue from the last
     * one, also across hidden sizes. Sums' default. A kind that defines no carry (taggers) keeps its
     * default policy instead.
     */
    CARRY;

    public static UpdatePolicy defaultFor(ModelKind kind) {
        return kind == ModelKind.TAGGER ? PIN : CARRY;
    }

    public static UpdatePolicy parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown update policy '" + s + "'; expected pin, switch, rewarm or carry");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
