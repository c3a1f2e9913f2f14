package io.stepwise.model;

import io.stepwise.lstm.LstmState;

/**
 * Carries a stream's running sum across model versions: turns the total S that the old version
 * had reached into an {@code (h, c)} of the new version, from which the new version's next outputs
 * continue from S (S + x after the next element x, and so on).
 *
 * <p>A sum model's state means nothing to another version, and rebuilding it from the stream's
 * last few elements ({@code rewarm}) forgets everything before them; the total is the one thing
 * about a stream's past that both versions agree on.
 */
public interface SumCarry {

    /** The model version whose states this carry makes. */
    SumModel model();

    /** A fresh state of {@link #model()} whose read-out continues from {@code total} (raw units). */
    LstmState stateFor(double total);
}
