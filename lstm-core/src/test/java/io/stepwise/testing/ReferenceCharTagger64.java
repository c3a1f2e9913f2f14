package io.stepwise.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The streaming tagger (character features, delayed heads) in plain float64, a transcription of
 * lstm-core/src/test/resources/fixtures/make_char_tagger.py's module, sharing no code with lstm-core:
 * each word's code points (a long word cut to its first {@code maxChars / 2} and last
 * {@code maxChars - maxChars / 2}, characters outside the vocabulary read as its unknown entry) are
 * embedded and read by two {@link ReferenceLstm64}s, forward and over the reversed word; the encoding
 * {@code [h_fwd(last) ; h_bwd(first)]} goes after the word embedding (looked up lower-cased when
 * {@code lowercase}) into the word LSTM, one unpadded sentence at a time from zero; head 0 is
 * {@code hidden2tag(h_t)}, head d is {@code delayed2tag.(d-1)([h_t ; h_t+d])}, each log-softmaxed; the
 * loss is head 0's NLL (mean over every word) plus each head d's NLL (mean over the words with at
 * least d words after them).
 *
 * <p>Weights are flat row-major double arrays under their {@code state_dict} names; they are read at
 * every call, so a test may change an entry between calls (finite differences).
 */
public final class ReferenceCharTagger64 {

    /** The sizes and vocabularies; {@code words} and {@code characters} in index order. */
    public record Shape(List<String> words, String unknownWord, List<String> characters, String unknownCharacter,
                        int tags, int embeddingDim, int charDim, int charHidden, int maxChars, int hiddenSize, int numLayers,
                        int delay, boolean lowercase) {
    }

    private final Shape s;
    private final Map<String, double[]> w;

    public ReferenceCharTagger64(Shape shape, Map<String, double[]> weights) {
        this.s = shape;
        this.w = weights;
    }

    public int wordId(String word) {
        String key = s.lowercase() ? word.toLowerCase(Locale.ROOT) : word;
        int i = s.words().indexOf(key);
        return i >= 0 ? i : s.unknownWord() == null ? -1 : s.words().indexOf(s.unknownWord());
    }

    public int[] charIds(String word) {
        int[] cps = word.codePoints().toArray();
        List<Integer> kept = new ArrayList<>();
        if (cps.length <= s.maxChars()) {
            for (int cp : cps) {
                kept.add(cp);
            }
        } else {
            int head = s.maxChars() / 2;
            int tail = s.maxChars() - head;
            for (int i = 0; i < head; i++) {
                kept.add(cps[i]);
            }
            for (int i = cps.length - tail; i < cps.length; i++) {
                kept.add(cps[i]);
            }
        }
        int[] ids = new int[kept.size()];
        for (int i = 0; i < ids.length; i++) {
            int id = s.characters().indexOf(new String(Character.toChars(kept.get(i))));
            ids[i] = id >= 0 ? id : s.characters().indexOf(s.unknownCharacter());
        }
        return ids;
    }

    /** {@code [h_fwd after the last character ; h_bwd after reading back to the first]}, {@code 2 charHidden} wide. */
    public double[] encode(String word) {
        int[] ids = charIds(word);
        int len = ids.length;
        int cd = s.charDim();
        double[] table = w.get("char_embeddings.weight");
        double[][][] fwd = new double[len][1][cd];
        double[][][] bwd = new double[len][1][cd];
        for (int t = 0; t < len; t++) {
            System.arraycopy(table, ids[t] * cd, fwd[t][0], 0, cd);
            System.arraycopy(table, ids[len - 1 - t] * cd, bwd[t][0], 0, cd);
        }
        double[] hf = new ReferenceLstm64(cd, s.charHidden(), 1, direction("")).forward(fwd, null, null).hN()[0][0];
        double[] hb = new ReferenceLstm64(cd, s.charHidden(), 1, direction("_reverse")).forward(bwd, null, null).hN()[0][0];
        double[] enc = new double[2 * s.charHidden()];
        System.arraycopy(hf, 0, enc, 0, s.charHidden());
        System.arraycopy(hb, 0, enc, s.charHidden(), s.charHidden());
        return enc;
    }

    private Map<String, double[]> direction(String suffix) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (String n : List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")) {
            m.put(n, w.get("char_lstm." + n + suffix));
        }
        return m;
    }

    /** Head d's log-probabilities {@code [d][len - d][tags]} for one sentence; row t is word t. */
    public double[][][] logProbs(List<String> sentence) {
        int n = sentence.size();
        int e = s.embeddingDim();
        int in = e + 2 * s.charHidden();
        double[] table = w.get("word_embeddings.weight");
        double[][][] x = new double[n][1][in];
        for (int t = 0; t < n; t++) {
            int id = wordId(sentence.get(t));
            if (id >= 0) {
                System.arraycopy(table, id * e, x[t][0], 0, e);
            }
            double[] enc = encode(sentence.get(t));
            System.arraycopy(enc, 0, x[t][0], e, enc.length);
        }
        Map<String, double[]> lstm = new LinkedHashMap<>();
        w.forEach((k, v) -> {
            if (k.startsWith("lstm.")) {
                lstm.put(k.substring("lstm.".length()), v);
            }
        });
        double[][][] out = new ReferenceLstm64(in, s.hiddenSize(), s.numLayers(), lstm).forward(x, null, null).out();
        double[][][] heads = new double[s.delay() + 1][][];
        int h = s.hiddenSize();
        for (int d = 0; d <= s.delay(); d++) {
            int rows = Math.max(0, n - d);
            heads[d] = new double[rows][];
            for (int t = 0; t < rows; t++) {
                double[] logits;
                if (d == 0) {
                    logits = ReferenceLstm64.linear(w.get("hidden2tag.weight"), w.get("hidden2tag.bias"), out[t][0]);
                } else {
                    double[] pair = new double[2 * h];
                    System.arraycopy(out[t][0], 0, pair, 0, h);
                    System.arraycopy(out[t + d][0], 0, pair, h, h);
                    logits = ReferenceLstm64.linear(w.get("delayed2tag." + (d - 1) + ".weight"),
                            w.get("delayed2tag." + (d - 1) + ".bias"), pair);
                }
                heads[d][t] = ReferenceLstm64.logSoftmax(logits);
            }
        }
        return heads;
    }

    /** The loss of the batch: head 0's NLL(mean) plus, per d, head d's NLL(mean over its rows). */
    public double loss(List<List<String>> sentences, int[][] tags) {
        List<List<double[]>> rows = new ArrayList<>();
        List<List<Integer>> targets = new ArrayList<>();
        for (int d = 0; d <= s.delay(); d++) {
            rows.add(new ArrayList<>());
            targets.add(new ArrayList<>());
        }
        for (int b = 0; b < sentences.size(); b++) {
            double[][][] heads = logProbs(sentences.get(b));
            for (int d = 0; d <= s.delay(); d++) {
                for (int t = 0; t < heads[d].length; t++) {
                    rows.get(d).add(heads[d][t]);
                    targets.get(d).add(tags[b][t]);
                }
            }
        }
        double loss = 0;
        for (int d = 0; d <= s.delay(); d++) {
            if (!rows.get(d).isEmpty()) {
                loss += ReferenceLstm64.nllMean(rows.get(d).toArray(double[][]::new),
                        targets.get(d).stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return loss;
    }
}
