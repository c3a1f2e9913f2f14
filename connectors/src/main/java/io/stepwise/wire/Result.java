package io.stepwise.wire;

import io.stepwise.model.Prediction;

/**
 * The running result for one element, stamped with the model version that produced it:
 * a tag with its probability for a token, or the model's running sum beside the exact one.
 */
public sealed interface Result permits Result.Tag, Result.Sum {

    String stream();

    Long seq();

    String model();

    int version();

    /** Wire format v1, one JSON object. */
    String toJson();

    /**
     * The result of element {@code e}, whose model predicted {@code p}; {@code exactSum} is the
     * stream's exact running sum including {@code e} (read only for sums).
     */
    static Result of(Element e, Prediction p, double exactSum, String model, int version) {
        return of(e, p, exactSum, model, version, null);
    }

    /**
     * The same, with whether the stream lies inside the range the version was validated on
     * ({@code Model#inValidRange}; null: the version records no range, and the result says nothing).
     * Only a sum's result carries it.
     */
    static Result of(Element e, Prediction p, double exactSum, String model, int version, Boolean inRange) {
        if (p instanceof Prediction.Tag t) {
            return new Tag(e.stream(), e.seq(), e.ts(), e.token(), t.tag(), t.probability(), model, version);
        }
        if (p instanceof Prediction.DelayedTag) {
            throw new IllegalArgumentException("a delayed tag is two results, the tag at once and the final one");
        }
        Prediction.Sum s = (Prediction.Sum) p;
        return new Sum(e.stream(), e.seq(), e.ts(), e.value(), s.value(), exactSum, model, version, inRange);
    }

    /**
     * A word's tag. {@code isFinal} is null for a tagger without decoding delay (its one tag per word
     * is final at once, and its results keep the v1 form); a delayed tagger's results say
     * {@code "final":false} for the tag given at once and {@code "final":true} for the one it settles on.
     */
    record Tag(String stream, Long seq, Long ts, String token, String tag, float p, String model, int version, Boolean isFinal)
            implements Result {

        public Tag(String stream, Long seq, Long ts, String token, String tag, float p, String model, int version) {
            this(stream, seq, ts, token, tag, p, model, version, null);
        }

        @Override
        public String toJson() {
            JsonLine j = new JsonLine().text("stream", stream).optional("seq", seq).optional("ts", ts)
                    .text("token", token).text("tag", tag).number("p", p);
            if (isFinal != null) {
                j.flag("final", isFinal);
            }
            return j.text("model", model).number("version", version).toString();
        }
    }

    /**
     * {@code diff = sum - exact}: the learned aggregate's error, for monitoring. {@code inRange} is
     * null for a model that records no valid range (its results keep the v1 form); a model that
     * records one says {@code "in_range":true} while the stream is inside it (its length and its
     * exact running sum within what the model was validated on) and {@code "in_range":false} once
     * past it, where the learned sum is extrapolation and the exact one is the one to trust. A wire
     * format addition: v1 readers ignore the field.
     */
    record Sum(String stream, Long seq, Long ts, double value, double sum, double exact, String model, int version, Boolean inRange)
            implements Result {

        public Sum(String stream, Long seq, Long ts, double value, double sum, double exact, String model, int version) {
            this(stream, seq, ts, value, sum, exact, model, version, null);
        }

        @Override
        public String toJson() {
            JsonLine j = new JsonLine().text("stream", stream).optional("seq", seq).optional("ts", ts)
                    .number("value", value).number("sum", sum).number("exact", exact).number("diff", sum - exact);
            if (inRange != null) {
                j.flag("in_range", inRange);
            }
            return j.text("model", model).number("version", version).toString();
        }
    }
}
