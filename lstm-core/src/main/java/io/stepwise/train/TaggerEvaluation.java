package io.stepwise.train;

import io.stepwise.model.TaggerModel;
import io.stepwise.tensor.Gemm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Token accuracy of a tagger: the share of words whose most probable tag is the gold tag. */
public final class TaggerEvaluation {

    /** Sentences per forward pass; sorted by length first so that little is padding. */
    private static final int BATCH = 64;

    private TaggerEvaluation() {
    }

    /** The counts behind an accuracy. */
    public record Accuracy(long correct, long tokens) {
        public double value() {
            return tokens == 0 ? 0 : (double) correct / tokens;
        }
    }

    /**
     * Whole-sequence forward passes (equal to the stepwise path, by the LSTM's contract), argmax per
     * word. A gold tag the model does not know counts as wrong; an unknown word is tagged through
     * the model's unknown-word entry.
     */
    public static Accuracy accuracy(TaggerModel model, List<TaggedSentence> sentences) {
        Gemm gemm = new Gemm();
        List<TaggedSentence> sorted = new ArrayList<>(sentences);
        sorted.sort(Comparator.comparingInt(TaggedSentence::length));
        int k = model.tags().size();
        long correct = 0;
        long tokens = 0;
        for (int from = 0; from < sorted.size(); from += BATCH) {
            List<TaggedSentence> batch = sorted.subList(from, Math.min(sorted.size(), from + BATCH));
            int b = batch.size();
            int[][] ids = new int[b][];
            for (int i = 0; i < b; i++) {
                ids[i] = batch.get(i).words().stream().mapToInt(model::wordIndex).toArray();
            }
            float[] logProbs = model.forward(ids, gemm).logProbs;
            for (int i = 0; i < b; i++) {
                List<String> gold = batch.get(i).tags();
                for (int t = 0; t < gold.size(); t++) {
                    int row = (t * b + i) * k;
                    int best = 0;
                    for (int j = 1; j < k; j++) {
                        if (logProbs[row + j] > logProbs[row + best]) {
                            best = j;
                        }
                    }
                    if (model.tags().get(best).equals(gold.get(t))) {
                        correct++;
                    }
                    tokens++;
                }
            }
        }
        return new Accuracy(correct, tokens);
    }
}
