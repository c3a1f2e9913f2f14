package io.stepwise.wire;

/** A record that is not a valid element; the message says what is wrong, for the dead-letter record. */
public final class InvalidElementException extends Exception {

    public InvalidElementException(String reason) {
        super(reason);
    }
}
