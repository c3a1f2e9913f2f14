package io.stepwise.train;

import io.stepwise.model.TaggerModel;
import io.stepwise.nn.Dropout;
import io.stepwise.tensor.Gemm;
import java.util.Arrays;

/**
 * A tagger's gradient over a batch of sentences, computed in {@link #SHARES} shares of the batch on
 * up to as many threads (data parallelism): ND4J's products for one batch are too small to keep a
 * second core busy (it gained 5% of an epoch), a second share of the batch is not.
 *
 * <p>Each share's heads divide their sums by the words they read in the whole batch
 * ({@link TaggerModel#backward(io.stepwise.model.TaggerBatchPass, int[][], Gemm, int[])}), so the
 * shares' losses and gradients add up to the whole batch's. The shares, their dropout masks and the
 * order in which their gradients are added do not depend on the threads: a seed gives the same
 * model on one core as on two.
 */
final class TaggerGradients implements AutoCloseable {

    /** Shares of every batch; threads beyond this would have nothing to do. */
    static final int SHARES = 2;

    private final TaggerModel model;
    private final TaggerModel[] shares; // [0] is the model itself, the others replicas with gradients of their own
    private final Gemm[] gemms;
    private final ShareThreads threads;

    /** {@code threads}: how many of the shares run at once (1 runs them one after the other). */
    TaggerGradients(TaggerModel model, int threads) {
        this.model = model;
        this.shares = new TaggerModel[SHARES];
        this.gemms = new Gemm[SHARES];
        for (int k = 0; k < SHARES; k++) {
            shares[k] = k == 0 ? model : model.replica();
            gemms[k] = new Gemm();
        }
        this.threads = new ShareThreads(Math.min(threads, SHARES), "tagger-gradients");
    }

    /**
     * Leaves in the model's gradients the gradient of the batch's loss (every head's mean NLL) and
     * returns that loss. {@code words[b]} are sentence b's embedding rows, {@code surface[b]} its
     * words as written (null for a words-only tagger), {@code tags[b]} its tags; {@code dropouts[k]}
     * is share k's dropout (null: none).
     */
    double compute(int[][] words, String[][] surface, int[][] tags, Dropout[] dropouts) {
        int n = words.length;
        int[] lengths = new int[n];
        for (int b = 0; b < n; b++) {
            lengths[b] = words[b].length;
        }
        int[] wordsPerHead = model.wordsPerHead(lengths);
        double[] losses = new double[SHARES];
        for (int k = 1; k < SHARES; k++) {
            model.parameters().copyValuesTo(shares[k].parameters());
        }
        threads.run(SHARES, k -> losses[k] = pass(k, words, surface, tags, dropouts, wordsPerHead));
        double loss = losses[0];
        for (int k = 1; k < SHARES; k++) {
            shares[k].parameters().addGradsTo(model.parameters(), 1f);
            loss += losses[k];
        }
        return loss;
    }

    /** Forward and backward over share {@code k}'s sentences, into that share's gradients. */
    private double pass(int k, int[][] words, String[][] surface, int[][] tags, Dropout[] dropouts, int[] wordsPerHead) {
        int n = words.length;
        int from = (int) ((long) n * k / SHARES);
        int to = (int) ((long) n * (k + 1) / SHARES);
        TaggerModel m = shares[k];
        m.parameters().zeroGrad();
        if (from == to) {
            return 0;
        }
        int[][] w = Arrays.copyOfRange(words, from, to);
        String[][] s = surface == null ? null : Arrays.copyOfRange(surface, from, to);
        int[][] t = Arrays.copyOfRange(tags, from, to);
        return m.backward(m.forward(w, s, gemms[k], dropouts == null ? null : dropouts[k]), t, gemms[k], wordsPerHead);
    }

    @Override
    public void close() {
        for (Gemm g : gemms) {
            g.close();
        }
        threads.close();
    }
}
