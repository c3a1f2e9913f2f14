package io.stepwise.model;

/** What a model says about one element of a stream: a tag with its probability, or a running sum. */
public sealed interface Prediction permits Prediction.Tag, Prediction.DelayedTag, Prediction.Sum {

    /** The most likely tag of a token: its index in the tag set, its name and its probability. */
    record Tag(int index, String tag, float probability) implements Prediction {
    }

    /**
     * A delayed tagger's word, offline: the tag it gives at once ({@code now}, head 0) and the one it
     * settles on once the words after it have arrived ({@code finalTag}).
     */
    record DelayedTag(Tag now, Tag finalTag) implements Prediction {
    }

    /** The model's running sum after a number, in the stream's own units. */
    record Sum(double value) implements Prediction {
    }
}
