package io.stepwise.train;

import io.stepwise.model.TaggerBatchPass;
import io.stepwise.model.TaggerModel;
import io.stepwise.tensor.Gemm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well a tagger tags: token accuracy at each decoding delay the model allows (0 to its own), on
 * known and on unknown words (those the word vocabulary lacks), per gold tag, and the most frequent
 * confusions. A gold tag the model does not know counts as wrong.
 */
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

        Accuracy plus(boolean right) {
            return new Accuracy(correct + (right ? 1 : 0), tokens + 1);
        }
    }

    /** Accuracy at one delay: over all words, the known ones and the unknown ones. */
    public record AtDelay(int delay, Accuracy all, Accuracy known, Accuracy unknown) {
    }

    /** A gold tag taken for another, and how often. */
    public record Confusion(String gold, String predicted, long count) {
    }

    /**
     * The full picture: {@code byDelay} from delay 0 to the model's own; {@code perTag} and
     * {@code confusions} (most frequent first) at the model's own delay, its final tags.
     */
    public record Report(List<AtDelay> byDelay, Map<String, Accuracy> perTag, List<Confusion> confusions) {

        /** The accuracy of the final tags: at the model's own delay. */
        public AtDelay finalTags() {
            return byDelay.get(byDelay.size() - 1);
        }
    }

    /** The accuracy of the model's final tags: the figure a training run and the training job compare. */
    public static Accuracy accuracy(TaggerModel model, List<TaggedSentence> sentences) {
        return report(model, sentences).finalTags().all();
    }

    /**
     * Whole-sequence forward passes (equal to the stepwise path to float rounding), argmax per word
     * of the head each delay allows.
     */
    public static Report report(TaggerModel model, List<TaggedSentence> sentences) {
        int delays = model.delay() + 1;
        Accuracy[] all = new Accuracy[delays];
        Accuracy[] known = new Accuracy[delays];
        Accuracy[] unknown = new Accuracy[delays];
        for (int d = 0; d < delays; d++) {
            all[d] = known[d] = unknown[d] = new Accuracy(0, 0);
        }
        Map<String, Accuracy> perTag = new TreeMap<>();
        Map<String, Long> confusions = new LinkedHashMap<>();
        List<TaggedSentence> sorted = new ArrayList<>(sentences);
        sorted.sort(Comparator.comparingInt(TaggedSentence::length));
        try (Gemm gemm = new Gemm()) {
            for (int from = 0; from < sorted.size(); from += BATCH) {
                List<TaggedSentence> batch = sorted.subList(from, Math.min(sorted.size(), from + BATCH));
                int b = batch.size();
                int[][] ids = new int[b][];
                String[][] words = new String[b][];
                for (int i = 0; i < b; i++) {
                    words[i] = batch.get(i).words().toArray(String[]::new);
                    ids[i] = batch.get(i).words().stream().mapToInt(model::wordIndex).toArray();
                }
                TaggerBatchPass pass = model.forward(ids, words, gemm, null);
                for (int i = 0; i < b; i++) {
                    List<String> gold = batch.get(i).tags();
                    for (int t = 0; t < gold.size(); t++) {
                        boolean isKnown = model.isKnown(words[i][t]);
                        for (int d = 0; d < delays; d++) {
                            String predicted = model.tags().get(pass.bestTag(d, t, i));
                            boolean right = predicted.equals(gold.get(t));
                            all[d] = all[d].plus(right);
                            if (isKnown) {
                                known[d] = known[d].plus(right);
                            } else {
                                unknown[d] = unknown[d].plus(right);
                            }
                            if (d == delays - 1) {
                                perTag.merge(gold.get(t), new Accuracy(right ? 1 : 0, 1),
                                        (x, y) -> new Accuracy(x.correct() + y.correct(), x.tokens() + y.tokens()));
                                if (!right) {
                                    confusions.merge(gold.get(t) + "\u0000" + predicted, 1L, Long::sum);
                                }
                            }
                        }
                    }
                }
            }
        }
        List<AtDelay> byDelay = new ArrayList<>();
        for (int d = 0; d < delays; d++) {
            byDelay.add(new AtDelay(d, all[d], known[d], unknown[d]));
        }
        List<Confusion> ranked = new ArrayList<>();
        confusions.forEach((pair, n) -> {
            String[] gp = pair.split("\u0000", 2);
            ranked.add(new Confusion(gp[0], gp[1], n));
        });
        ranked.sort(Comparator.comparingLong(Confusion::count).reversed());
        return new Report(byDelay, perTag, ranked);
    }
}
