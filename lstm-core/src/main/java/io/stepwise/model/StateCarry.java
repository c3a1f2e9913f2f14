package io.stepwise.model;

import io.stepwise.lstm.LstmState;

/**
 * How a stream in mid-sequence moves to a new model version without losing what it has reached
 * (the streaming job's update policy {@code carry}). A model kind whose state has a meaning both
 * versions share defines one ({@link Model#newStateCarry()}); a sum model's is the running sum
 * ({@link SumModel}). A tagger's state has no such meaning (what a sentence's first words left in
 * {@code (h, c)} is particular to the weights), so taggers have none and keep their policy.
 *
 * <p>One carry per served version and thread: it may hold what it prepared once for its version
 * (a calibration) and scratch space.
 */
public interface StateCarry {

    /** The version streams are carried into. */
    Model model();

    /**
     * Does the one-off work now (a sum model's calibration) instead of at the first carry, and says
     * what it did and how long it took, for the log. Idempotent.
     */
    String prepare();

    /**
     * The state under {@link #model()} that continues a stream which version {@code older} has taken
     * to {@code olderState}. {@code older} is null when that version is no longer held (evicted);
     * {@code exactSum} is the stream's exact running sum, which the job keeps beside the state.
     */
    Carried carry(Model older, LstmState olderState, double exactSum);

    /**
     * A carried stream: its new state, the value it continues from (for a sum, the total), and
     * whether that value is the job's exact sum because the old version could not give its own.
     */
    record Carried(LstmState state, double from, boolean fromExact) {
    }
}
