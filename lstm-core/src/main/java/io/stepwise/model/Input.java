package io.stepwise.model;

/** One element of a stream as a model takes it: a token (taggers) or a number (sum models). */
public sealed interface Input permits Input.Token, Input.Value {

    record Token(String text) implements Input {
        public Token {
            if (text == null) {
                throw new IllegalArgumentException("a token needs its text");
            }
        }
    }

    record Value(double value) implements Input {
    }

    static Input token(String text) {
        return new Token(text);
    }

    static Input value(double value) {
        return new Value(value);
    }
}
