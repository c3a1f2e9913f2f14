package io.stepwise.jobs.inference;

import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;

/**
 * What the inference job keeps per stream in Flink keyed state: the LSTM state {@code (h, c)} of
 * every layer, the last {@code seq} seen (for dropping duplicates), the model version the state
 * was computed with, the exact running sum (sum models), and when the stream was last active.
 * A public-field POJO so that Flink serializes it without Kryo: 2·L·H floats plus a few numbers.
 */
public class StreamState {

    /** {@code h} then {@code c} of every layer, as in {@link LstmState#values()}. */
    public float[] hc;
    public int layers;
    public int hidden;
    /** Highest {@code seq} processed; -1 when no element carried one. */
    public long lastSeq = -1;
    public int version;
    public double exactSum;
    /**
     * Elements stepped since the stream (or its sequence) started: with the exact sum, where the
     * stream stands against the range its model was validated on. Absent from savepoints written
     * before it existed, so such streams count from their restore (0).
     */
    public long length;
    /** Processing time of the last element, and of the idle-expiry timer now registered (0: none). */
    public long lastActive;
    public long expiryTimer;
    /**
     * The last elements' inputs, oldest first, for rewarming the state under a new version
     * (update policy rewarm): tokens for taggers, values for sums; null under other policies.
     */
    public String[] recentTokens;
    public double[] recentValues;
    /**
     * A delayed tagger's words still waiting for their final tag, oldest first (null: none): each
     * word's seq and ts as it came (null where absent), its token, the tag it was given at once, and
     * the top LSTM hidden state after it ({@code waitingH}, [words][hidden]), which the delayed heads
     * read beside a later word's.
     */
    public Long[] waitingSeq;
    public Long[] waitingTs;
    public String[] waitingTokens;
    public String[] waitingTags;
    public float[] waitingP;
    public float[] waitingH;

    public StreamState() {
    }

    public static StreamState fresh(LstmConfig config, int version) {
        StreamState s = new StreamState();
        s.layers = config.numLayers();
        s.hidden = config.hiddenSize();
        s.hc = new float[2 * s.layers * s.hidden];
        s.version = version;
        return s;
    }

    /** The view {@link #lstm()} made last; not part of the state (transient), rebuilt when {@link #hc} changes. */
    private transient LstmState view;

    /** A view of {@link #hc} as an LSTM state; steps update {@link #hc} in place through it. */
    public LstmState lstm() {
        if (view == null || view.values() != hc) {
            view = new LstmState(layers, hidden, hc);
        }
        return view;
    }

    public boolean fits(LstmConfig config) {
        return layers == config.numLayers() && hidden == config.hiddenSize();
    }

    /** Remembers one input, keeping the last {@code window}. */
    public void remember(String token, Double value, int window) {
        if (token != null) {
            recentTokens = append(recentTokens, token, window);
        } else if (value != null) {
            double[] old = recentValues == null ? new double[0] : recentValues;
            int keep = Math.min(old.length, window - 1);
            double[] next = new double[keep + 1];
            System.arraycopy(old, old.length - keep, next, 0, keep);
            next[keep] = value;
            recentValues = next;
        }
    }

    private static String[] append(String[] old, String item, int window) {
        String[] base = old == null ? new String[0] : old;
        int keep = Math.min(base.length, window - 1);
        String[] next = new String[keep + 1];
        System.arraycopy(base, base.length - keep, next, 0, keep);
        next[keep] = item;
        return next;
    }

    /** Zeroes {@code (h, c)} for {@code config}, keeping the running sum, the length and the remembered inputs. */
    public void zero(LstmConfig config) {
        layers = config.numLayers();
        hidden = config.hiddenSize();
        hc = new float[2 * layers * hidden];
    }

    /** How many words wait for their final tag. */
    public int waiting() {
        return waitingTokens == null ? 0 : waitingTokens.length;
    }

    /** Forgets the waiting words (after their final tags went out). */
    public void clearWaiting() {
        waitingSeq = null;
        waitingTs = null;
        waitingTokens = null;
        waitingTags = null;
        waitingP = null;
        waitingH = null;
    }

    /** Starts the stream over under another architecture: zero state, no running sum, no length. */
    public void reset(LstmConfig config) {
        layers = config.numLayers();
        hidden = config.hiddenSize();
        hc = new float[2 * layers * hidden];
        exactSum = 0;
        length = 0;
    }
}
