package io.stepwise.jobs.inference;

import io.stepwise.lstm.LstmState;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.wire.Element;
import io.stepwise.wire.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bounded-delay decoding for one stream at a time: every word gets its tag at once
 * ({@code "final":false}, head 0) and waits in the stream's state, with its top hidden state, until
 * {@code D} more words have arrived; then head {@code D} reads the two states and gives its final tag
 * ({@code "final":true}). The end of the sequence, or the stream's expiry, gives the waiting words
 * their final tags from the words they have: head {@code k} for a word with {@code k} words after it.
 * The waiting words live in keyed state, so a restore in the middle of a delay loses and doubles
 * nothing. Offline prediction computes the same from whole sequences ({@link TaggerModel#predict}).
 */
final class DelayedTags {

    private final TaggerModel model;
    private final int delay;
    private final int hidden;
    private final float[] logits;
    private final float[] pair;

    DelayedTags(TaggerModel model) {
        this.model = model;
        this.delay = model.delay();
        this.hidden = model.lstmConfig().hiddenSize();
        this.logits = new float[model.tags().size()];
        this.pair = new float[2 * hidden];
    }

    /**
     * After {@code e}'s step gave {@code now} and left {@code state}: the tag at once, and the final
     * tag of the word {@code delay} back when there is one. {@code state} keeps {@code e} waiting.
     */
    List<Result> after(Element e, Prediction.Tag now, StreamState state) {
        LstmState lstm = state.lstm();
        int top = lstm.hOffset(lstm.numLayers() - 1);
        List<Result> out = new ArrayList<>(2);
        out.add(result(e.stream(), e.seq(), e.ts(), e.token(), now, false));
        append(state, e, now, lstm.values(), top);
        if (state.waiting() > delay) {
            Prediction.Tag fin = model.head(delay, state.waitingH, 0, lstm.values(), top, logits, pair);
            out.add(result(e.stream(), state.waitingSeq[0], state.waitingTs[0], state.waitingTokens[0], fin, true));
            dropOldest(state);
        }
        return out;
    }

    /** The end of the sequence (or of the stream): the waiting words' final tags, oldest first, and none left waiting. */
    List<Result> flush(String stream, StreamState state) {
        int m = state.waiting();
        List<Result> out = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            int k = m - 1 - i;
            Prediction.Tag fin = model.head(k, state.waitingH, i * hidden, state.waitingH, (m - 1) * hidden, logits, pair);
            out.add(result(stream, state.waitingSeq[i], state.waitingTs[i], state.waitingTokens[i], fin, true));
        }
        state.clearWaiting();
        return out;
    }

    /**
     * The waiting words' final tags when no head of theirs can run (their version is gone, or the
     * architecture changed): the tags they were given at once, now final, so that none is lost.
     */
    static List<Result> settleAsGiven(String stream, StreamState state, String modelName, int version) {
        List<Result> out = new ArrayList<>(state.waiting());
        for (int i = 0; i < state.waiting(); i++) {
            out.add(new Result.Tag(stream, state.waitingSeq[i], state.waitingTs[i], state.waitingTokens[i], state.waitingTags[i],
                    state.waitingP[i], modelName, version, true));
        }
        state.clearWaiting();
        return out;
    }

    private Result result(String stream, Long seq, Long ts, String token, Prediction.Tag t, boolean isFinal) {
        return new Result.Tag(stream, seq, ts, token, t.tag(), t.probability(), model.name(), model.version(), isFinal);
    }

    private void append(StreamState s, Element e, Prediction.Tag now, float[] h, int hOff) {
        int m = s.waiting();
        s.waitingSeq = Arrays.copyOf(s.waitingSeq == null ? new Long[0] : s.waitingSeq, m + 1);
        s.waitingTs = Arrays.copyOf(s.waitingTs == null ? new Long[0] : s.waitingTs, m + 1);
        s.waitingTokens = Arrays.copyOf(s.waitingTokens == null ? new String[0] : s.waitingTokens, m + 1);
        s.waitingTags = Arrays.copyOf(s.waitingTags == null ? new String[0] : s.waitingTags, m + 1);
        s.waitingP = Arrays.copyOf(s.waitingP == null ? new float[0] : s.waitingP, m + 1);
        s.waitingH = Arrays.copyOf(s.waitingH == null ? new float[0] : s.waitingH, (m + 1) * hidden);
        s.waitingSeq[m] = e.seq();
        s.waitingTs[m] = e.ts();
        s.waitingTokens[m] = e.token();
        s.waitingTags[m] = now.tag();
        s.waitingP[m] = now.probability();
        System.arraycopy(h, hOff, s.waitingH, m * hidden, hidden);
    }

    private void dropOldest(StreamState s) {
        int m = s.waiting();
        s.waitingSeq = Arrays.copyOfRange(s.waitingSeq, 1, m);
        s.waitingTs = Arrays.copyOfRange(s.waitingTs, 1, m);
        s.waitingTokens = Arrays.copyOfRange(s.waitingTokens, 1, m);
        s.waitingTags = Arrays.copyOfRange(s.waitingTags, 1, m);
        s.waitingP = Arrays.copyOfRange(s.waitingP, 1, m);
        s.waitingH = Arrays.copyOfRange(s.waitingH, hidden, m * hidden);
    }
}
