package io.stepwise.nn;

import io.stepwise.lstm.Lstm;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.model.Vocabulary;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import java.util.SplittableRandom;

/**
 * A word's spelling as a vector: its characters embedded ({@code char_embeddings}) and read by a
 * bidirectional LSTM ({@code char_lstm}, PyTorch's {@code nn.LSTM(bidirectional=True)}); the
 * encoding is the forward direction's last hidden state beside the backward direction's, which
 * has read the word from its end: {@code [h_fwd(last char) ; h_bwd(first char)]}. So suffixes and
 * prefixes, capitals, digits and hyphens reach the tagger even for a word it has never seen.
 *
 * <p>A word is read as Unicode code points (an emoji or a CJK character is one character); a
 * character seen too rarely in training is the unknown character. A very long word (a URL) is read
 * as its first and last {@code maxChars / 2} characters: what it begins and ends with is what tells
 * its tag, and the cost of a step stays bounded.
 */
public final class CharEncoder {

    public static final String EMBEDDING = "char_embeddings.";
    public static final String LSTM = "char_lstm.";
    public static final String REVERSE = "_reverse";

    private final Vocabulary chars;
    private final int maxChars;
    private final Embedding embedding;
    private final Lstm forward;
    private final Lstm backward;

    /**
     * Registers {@code char_embeddings.weight [chars, dim]}, then {@code char_lstm.*_l0} and
     * {@code char_lstm.*_l0_reverse} ({@code [4 hidden, dim]}, ...) in {@code set}, in
     * {@code state_dict} order.
     */
    public CharEncoder(ParameterSet set, Vocabulary chars, int dim, int hidden, int maxChars) {
        if (chars.unknown() == null) {
            throw new IllegalArgumentException("a character vocabulary needs an unknown-character entry");
        }
        if (maxChars < 2) {
            throw new IllegalArgumentException("a word is read as at least 2 characters, got max " + maxChars);
        }
        this.chars = chars;
        this.maxChars = maxChars;
        this.embedding = new Embedding(set, EMBEDDING, chars.size(), dim);
        LstmConfig cfg = new LstmConfig(dim, hidden, 1);
        this.forward = new Lstm(cfg, set, LSTM, "");
        this.backward = new Lstm(cfg, set, LSTM, REVERSE);
    }

    public Vocabulary characters() {
        return chars;
    }

    public int charDim() {
        return embedding.dim();
    }

    public int hiddenSize() {
        return forward.config().hiddenSize();
    }

    public int maxChars() {
        return maxChars;
    }

    /** The width of an encoding: both directions' hidden states. */
    public int dim() {
        return 2 * hiddenSize();
    }

    /** PyTorch's defaults: the embedding N(0, 1), each direction U(-1/sqrt(H), 1/sqrt(H)). */
    public void initDefault(ParameterSet set, SplittableRandom rng) {
        embedding.initDefault(set, rng);
        forward.initDefault(set, rng);
        backward.initDefault(set, rng);
    }

    /** The character ids of {@code word}: its code points, the first and last {@code maxChars / 2} of a long one. */
    public int[] charIds(String word) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxChars) {
            int head = maxChars / 2;
            int tail = maxChars - head;
            int[] cut = new int[maxChars];
            System.arraycopy(cps, 0, cut, 0, head);
            System.arraycopy(cps, cps.length - tail, cut, head, tail);
            cps = cut;
        }
        int[] ids = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            ids[i] = chars.indexOf(new String(Character.toChars(cps[i])));
        }
        return ids;
    }

    // ---- inference: one word at a time ---------------------------------------------------------

    /** Encodes words one at a time with the packed kernels; holds scratch space, so one per thread. */
    public final class Reader {
        private final PackedLstm fwd = forward.pack();
        private final PackedLstm bwd = backward.pack();
        private final float[] scratchF = fwd.newScratch();
        private final float[] scratchB = bwd.newScratch();
        private final float[] x = new float[charDim()];
        private final LstmState sf = LstmState.zeros(fwd.config());
        private final LstmState sb = LstmState.zeros(bwd.config());

        /** Writes {@code word}'s encoding to {@code out[off .. off + dim())}. */
        public void encode(String word, float[] out, int off) {
            int[] ids = charIds(word);
            java.util.Arrays.fill(sf.values(), 0f);
            java.util.Arrays.fill(sb.values(), 0f);
            for (int i = 0; i < ids.length; i++) {
                embedding.lookup(ids[i], x, 0);
                fwd.step(x, 0, sf, scratchF);
                embedding.lookup(ids[ids.length - 1 - i], x, 0);
                bwd.step(x, 0, sb, scratchB);
            }
            int h = hiddenSize();
            System.arraycopy(sf.values(), sf.hOffset(0), out, off, h);
            System.arraycopy(sb.values(), sb.hOffset(0), out, off + h, h);
        }
    }

    /** A reader of the weights as they are now; make a new one after they change. */
    public Reader newReader() {
        return new Reader();
    }

    // ---- training: many words at once ------------------------------------------------------------

    /** One forward pass over a batch of words, kept for the backward pass. */
    public final class Pass {
        /** How many words the pass encoded. */
        public final int words;
        final int steps;
        final int[] lengths;
        final int[] fwdIds;   // [T * W], -1 past a word's end
        final int[] bwdIds;
        final Lstm.Trace fwdTrace;
        final Lstm.Trace bwdTrace;
        /** {@code [words][dim()]}: each word's encoding. */
        public final float[] encodings;

        Pass(int words, int steps, int[] lengths, int[] fwdIds, int[] bwdIds, Lstm.Trace fwdTrace, Lstm.Trace bwdTrace,
             float[] encodings) {
            this.words = words;
            this.steps = steps;
            this.lengths = lengths;
            this.fwdIds = fwdIds;
            this.bwdIds = bwdIds;
            this.fwdTrace = fwdTrace;
            this.bwdTrace = bwdTrace;
            this.encodings = encodings;
        }
    }

    /**
     * Encodes {@code words} as one padded batch, seq-first: the forward direction reads each word's
     * characters, the backward direction its reversed characters, both padded after the word's end,
     * and each encoding is taken at the word's own last step, which padding never reaches.
     */
    public Pass forward(String[] words, Gemm gemm) {
        int n = words.length;
        int[][] ids = new int[n][];
        int steps = 0;
        for (int w = 0; w < n; w++) {
            ids[w] = charIds(words[w]);
            if (ids[w].length == 0) {
                throw new IllegalArgumentException("an empty word has no characters to encode");
            }
            steps = Math.max(steps, ids[w].length);
        }
        int d = charDim();
        int[] lengths = new int[n];
        int[] fwdIds = new int[steps * n];
        int[] bwdIds = new int[steps * n];
        java.util.Arrays.fill(fwdIds, -1);
        java.util.Arrays.fill(bwdIds, -1);
        float[] xf = new float[steps * n * d];
        float[] xb = new float[steps * n * d];
        for (int w = 0; w < n; w++) {
            int len = ids[w].length;
            lengths[w] = len;
            for (int t = 0; t < len; t++) {
                fwdIds[t * n + w] = ids[w][t];
                bwdIds[t * n + w] = ids[w][len - 1 - t];
                embedding.lookup(ids[w][t], xf, (t * n + w) * d);
                embedding.lookup(ids[w][len - 1 - t], xb, (t * n + w) * d);
            }
        }
        Lstm.Trace tf = forward.forward(xf, steps, n, null, null, gemm);
        Lstm.Trace tb = backward.forward(xb, steps, n, null, null, gemm);
        float[] of = tf.output();
        float[] ob = tb.output();
        int h = hiddenSize();
        float[] enc = new float[n * 2 * h];
        for (int w = 0; w < n; w++) {
            int last = ((lengths[w] - 1) * n + w) * h;
            System.arraycopy(of, last, enc, w * 2 * h, h);
            System.arraycopy(ob, last, enc, w * 2 * h + h, h);
        }
        return new Pass(n, steps, lengths, fwdIds, bwdIds, tf, tb, enc);
    }

    /** Adds the gradients of {@code dEncodings[words][dim()]} to both directions and the character embedding. */
    public void backward(Pass pass, float[] dEncodings, Gemm gemm) {
        int n = pass.words;
        int h = hiddenSize();
        float[] dOutF = new float[pass.steps * n * h];
        float[] dOutB = new float[pass.steps * n * h];
        for (int w = 0; w < n; w++) {
            int last = ((pass.lengths[w] - 1) * n + w) * h;
            System.arraycopy(dEncodings, w * 2 * h, dOutF, last, h);
            System.arraycopy(dEncodings, w * 2 * h + h, dOutB, last, h);
        }
        float[] dxf = forward.backward(pass.fwdTrace, dOutF, gemm);
        float[] dxb = backward.backward(pass.bwdTrace, dOutB, gemm);
        embedding.backward(pass.fwdIds, dxf);
        embedding.backward(pass.bwdIds, dxb);
    }
}
