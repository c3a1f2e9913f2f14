package io.stepwise.model;

import io.stepwise.lstm.Lstm;
import io.stepwise.nn.CharEncoder;
import io.stepwise.nn.Dropout;
import io.stepwise.nn.Linear;
import io.stepwise.nn.Losses;
import io.stepwise.tensor.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One training-shaped forward pass of a {@link TaggerModel} over a padded, seq-first batch of
 * sentences, and its backward pass: what training, evaluation and the parity checks run. Padding
 * sits after each sentence's end, so it never reaches a real position. The character encoder
 * reads each distinct word of the batch once (PyTorch's {@code torch.unique} trick); gradients of
 * a word's occurrences add up, so that is exactly the same as encoding every occurrence.
 */
public final class TaggerBatchPass {

    private final TaggerModel model;
    private final int steps;
    private final int batch;
    private final int[] lengths;
    private final int[] ids;             // [T * B], -1 where padded or unknown-without-entry
    private final int[] unique;          // [T * B], the row of the position's word in the character pass; -1 padded
    private final CharEncoder.Pass charPass;
    private final float[] inputMask;     // [T * B * in] or null
    private final float[] outputMask;    // [T * B * H] or null
    private final Lstm.Trace trace;
    private final float[] out;           // [T * B * H], after output dropout
    private final float[][] headInputs;  // [d - 1] -> [m_d * 2H]
    private final int[][] headRows;      // [d - 1] -> the position t * B + b of each row
    /** Head 0's log-probabilities, {@code [T * B * tags]}. */
    public final float[] logProbs;
    private final float[][] headLogProbs; // [d - 1] -> [m_d * tags]

    private TaggerBatchPass(TaggerModel model, Gemm gemm, int[][] wordIds, String[][] words, Dropout dropout) {
        this.model = model;
        this.batch = wordIds.length;
        this.lengths = new int[batch];
        int longest = 0;
        for (int b = 0; b < batch; b++) {
            lengths[b] = wordIds[b].length;
            longest = Math.max(longest, lengths[b]);
        }
        this.steps = longest;
        CharEncoder chars = model.characters();
        int e = model.embeddingDim();
        int in = model.lstmConfig().inputSize();
        int h = model.lstmConfig().hiddenSize();
        int n = steps * batch;
        ids = new int[n];
        unique = new int[n];
        Arrays.fill(ids, -1);
        Arrays.fill(unique, -1);
        float[] x = new float[n * in];
        charPass = chars == null ? null : chars.forward(distinctWords(words), gemm);
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t >= lengths[b]) {
                    continue;
                }
                int pos = t * batch + b;
                ids[pos] = wordIds[b][t];
                if (ids[pos] >= 0) {
                    model.embedding().lookup(ids[pos], x, pos * in);
                }
                if (charPass != null) {
                    System.arraycopy(charPass.encodings, unique[pos] * chars.dim(), x, pos * in + e, chars.dim());
                }
            }
        }
        inputMask = dropout == null ? null : dropout.mask(n * in, dropout.input());
        Dropout.apply(x, inputMask);
        trace = model.lstm().forward(x, steps, batch, null, null, gemm);
        out = trace.output();
        outputMask = dropout == null ? null : dropout.mask(n * h, dropout.output());
        Dropout.apply(out, outputMask);
        int k = model.tags().size();
        logProbs = model.hidden2tag().forward(out, n, gemm);
        Losses.logSoftmax(logProbs, n, k, logProbs);
        int delay = model.delay();
        headInputs = new float[delay][];
        headRows = new int[delay][];
        headLogProbs = new float[delay][];
        for (int d = 1; d <= delay; d++) {
            delayedHeadForward(d, h, k, gemm);
        }
    }

    /** The distinct words of the batch in order of first appearance; fills {@link #unique} with each position's row. */
    private String[] distinctWords(String[][] words) {
        Map<String, Integer> rows = new HashMap<>();
        List<String> distinct = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                unique[t * batch + b] = rows.computeIfAbsent(words[b][t], w -> {
                    distinct.add(w);
                    return distinct.size() - 1;
                });
            }
        }
        return distinct.toArray(String[]::new);
    }

    /** Head {@code d} over {@code [h_t ; h_t+d]} for every word with at least {@code d} words after it. */
    private void delayedHeadForward(int d, int h, int k, Gemm gemm) {
        List<Integer> rows = new ArrayList<>();
        for (int t = 0; t + d < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t + d < lengths[b]) {
                    rows.add(t * batch + b);
                }
            }
        }
        int m = rows.size();
        float[] pairs = new float[m * 2 * h];
        int[] at = new int[m];
        for (int r = 0; r < m; r++) {
            at[r] = rows.get(r);
            System.arraycopy(out, at[r] * h, pairs, r * 2 * h, h);
            System.arraycopy(out, (at[r] + d * batch) * h, pairs, r * 2 * h + h, h);
        }
        float[] lp = model.delayedHead(d).forward(pairs, m, gemm);
        Losses.logSoftmax(lp, m, k, lp);
        headInputs[d - 1] = pairs;
        headRows[d - 1] = at;
        headLogProbs[d - 1] = lp;
    }

    static TaggerBatchPass forward(TaggerModel model, int[][] wordIds, String[][] words, Gemm gemm, Dropout dropout) {
        return new TaggerBatchPass(model, gemm, wordIds, words, dropout);
    }

    /**
     * The log-probabilities of head {@code d} (0 .. delay) for word {@code t} of sentence {@code b},
     * a fresh array of the tag set's size; null when head {@code d} does not reach that word (fewer
     * than {@code d} words after it).
     */
    public float[] headLogProbs(int d, int t, int b) {
        int k = model.tags().size();
        int row = row(d, t, b);
        if (row < 0) {
            return null;
        }
        float[] lp = d == 0 ? logProbs : headLogProbs[d - 1];
        return Arrays.copyOfRange(lp, row * k, row * k + k);
    }

    /** The row of word {@code t} of sentence {@code b} in head {@code d}'s output, or -1. */
    private int row(int d, int t, int b) {
        if (t >= lengths[b] || d > model.delay() || t + d >= lengths[b]) {
            return -1;
        }
        return d == 0 ? t * batch + b : Arrays.binarySearch(headRows[d - 1], t * batch + b);
    }

    /**
     * The tag the model settles on for word {@code t} of sentence {@code b} when it may wait for
     * {@code delay} words after it (at most its own delay): the argmax of head
     * {@code min(delay, words after t)}.
     */
    public int bestTag(int delay, int t, int b) {
        int d = Math.min(Math.min(delay, model.delay()), lengths[b] - 1 - t);
        int k = model.tags().size();
        float[] lp = d == 0 ? logProbs : headLogProbs[d - 1];
        int row = row(d, t, b);
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (lp[row * k + j] > lp[row * k + best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * The words each head reads in {@code sentences} (of these lengths): head 0 every word, head
     * {@code d} those with at least {@code d} words after them. Each head's loss is a mean over these.
     */
    static int[] wordsPerHead(int[] lengths, int delay) {
        int[] words = new int[delay + 1];
        for (int len : lengths) {
            for (int d = 0; d <= delay; d++) {
                words[d] += Math.max(0, len - d);
            }
        }
        return words;
    }

    /** See {@link TaggerModel#backward(TaggerBatchPass, int[][], Gemm, int[])}. */
    double backward(int[][] tagIds, Gemm gemm, int[] wordsPerHead) {
        int[] means = wordsPerHead != null ? wordsPerHead : wordsPerHead(lengths, model.delay());
        if (means.length != model.delay() + 1) {
            throw new IllegalArgumentException("a word count for each of the " + (model.delay() + 1) + " heads, got " + means.length);
        }
        int n = steps * batch;
        int k = model.tags().size();
        int h = model.lstmConfig().hiddenSize();
        int[] target = new int[n];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                target[t * batch + b] = t < tagIds[b].length ? tagIds[b][t] : -1;
            }
        }
        float[] dLogits = new float[n * k];
        double loss = Losses.nllFromLogSoftmax(logProbs, n, k, target, dLogits, means[0]);
        float[] dOut = model.hidden2tag().backward(out, dLogits, n, gemm);
        for (int d = 1; d <= model.delay(); d++) {
            loss += delayedHeadBackward(d, target, dOut, h, k, gemm, means[d]);
        }
        Dropout.apply(dOut, outputMask);
        float[] dx = model.lstm().backward(trace, dOut, gemm);
        Dropout.apply(dx, inputMask);
        CharEncoder chars = model.characters();
        if (chars == null) {
            model.embedding().backward(ids, dx);
            return loss;
        }
        int e = model.embeddingDim();
        int in = model.lstmConfig().inputSize();
        float[] dEmb = new float[n * e];
        float[] dEnc = new float[charPass.words * chars.dim()];
        for (int pos = 0; pos < n; pos++) {
            if (unique[pos] < 0) {
                continue;
            }
            System.arraycopy(dx, pos * in, dEmb, pos * e, e);
            int u = unique[pos] * chars.dim();
            for (int j = 0; j < chars.dim(); j++) {
                dEnc[u + j] += dx[pos * in + e + j];
            }
        }
        model.embedding().backward(ids, dEmb);
        chars.backward(charPass, dEnc, gemm);
        return loss;
    }

    /** Head {@code d}'s loss; its gradient goes to both hidden states it read, in {@code dOut}. */
    private double delayedHeadBackward(int d, int[] target, float[] dOut, int h, int k, Gemm gemm, int words) {
        int[] rows = headRows[d - 1];
        int m = rows.length;
        if (m == 0) {
            return 0;
        }
        int[] headTarget = new int[m];
        for (int r = 0; r < m; r++) {
            headTarget[r] = target[rows[r]];
        }
        float[] dl = new float[m * k];
        double loss = Losses.nllFromLogSoftmax(headLogProbs[d - 1], m, k, headTarget, dl, words);
        Linear head = model.delayedHead(d);
        float[] dPairs = head.backward(headInputs[d - 1], dl, m, gemm);
        for (int r = 0; r < m; r++) {
            int now = rows[r] * h;
            int later = (rows[r] + d * batch) * h;
            for (int j = 0; j < h; j++) {
                dOut[now + j] += dPairs[r * 2 * h + j];
                dOut[later + j] += dPairs[r * 2 * h + h + j];
            }
        }
        return loss;
    }
}
