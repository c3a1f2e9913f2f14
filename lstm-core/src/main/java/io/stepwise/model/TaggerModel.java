package io.stepwise.model;

import io.stepwise.lstm.Lstm;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.nn.Embedding;
import io.stepwise.nn.Linear;
import io.stepwise.nn.Losses;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The tutorial's {@code LSTMTagger}: {@code word_embeddings} (Embedding), {@code lstm}, and
 * {@code hidden2tag} (Linear), then log-softmax over the tag set. Parameter names are those of the
 * tutorial's module, so a {@code state_dict} moves between PyTorch and Stepwise unchanged.
 */
public final class TaggerModel implements Model {

    public static final String EMBEDDING = "word_embeddings.";
    public static final String LSTM = "lstm.";
    public static final String OUTPUT = "hidden2tag.";

    private final ModelMeta meta;
    private final Vocabulary words;
    private final Vocabulary tags;
    private final LstmConfig lstmConfig;
    private final ParameterSet params;
    private final Embedding embedding;
    private final Lstm lstm;
    private final Linear hidden2tag;
    private final PackedCache packed;

    public TaggerModel(ModelMeta meta, Vocabulary words, Vocabulary tags, int embeddingDim, int hiddenSize, int numLayers) {
        this.meta = meta;
        this.words = words;
        this.tags = tags;
        this.lstmConfig = new LstmConfig(embeddingDim, hiddenSize, numLayers);
        this.params = new ParameterSet();
        this.embedding = new Embedding(params, EMBEDDING, words.size(), embeddingDim);
        this.lstm = new Lstm(lstmConfig, params, LSTM);
        this.packed = new PackedCache(lstm);
        this.hidden2tag = new Linear(params, OUTPUT, hiddenSize, tags.size());
    }

    private TaggerModel(TaggerModel other, ModelMeta meta) {
        this.meta = meta;
        this.words = other.words;
        this.tags = other.tags;
        this.lstmConfig = other.lstmConfig;
        this.params = other.params;
        this.embedding = other.embedding;
        this.lstm = other.lstm;
        this.hidden2tag = other.hidden2tag;
        this.packed = other.packed;
    }

    /** PyTorch's default initialisation of each layer, from a seed. */
    public TaggerModel initRandom(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        embedding.initDefault(params, rng);
        lstm.initDefault(params, rng);
        hidden2tag.initDefault(params, rng);
        weightsChanged();
        return this;
    }

    /**
     * This model with larger vocabularies: {@code newWords} and {@code newTags} must begin with
     * this model's entries, in order, so that every old index keeps its meaning. Old embedding rows,
     * the LSTM and the old output rows are copied; the rows of the new entries start as a fresh
     * model's would (PyTorch's defaults, from {@code seed}). Sentences of known words therefore
     * tag exactly as before as long as no tag was added. The copy shares nothing with this model.
     */
    public TaggerModel withVocabularies(Vocabulary newWords, Vocabulary newTags, long seed) {
        requireExtension("word vocabulary", words, newWords);
        requireExtension("tag set", tags, newTags);
        TaggerModel grown = new TaggerModel(meta, newWords, newTags, embeddingDim(), lstmConfig.hiddenSize(),
                lstmConfig.numLayers()).initRandom(seed);
        for (ParameterSet.Parameter p : params.asMap().values()) {
            float[] src = p.data();
            float[] dst = grown.params.get(p.name()).data();
            // the embedding and output tables only grow at the end, so the old values are a prefix
            System.arraycopy(src, 0, dst, 0, src.length);
        }
        grown.weightsChanged();
        return grown;
    }

    private static void requireExtension(String what, Vocabulary old, Vocabulary grown) {
        boolean prefix = grown.size() >= old.size() && grown.entries().subList(0, old.size()).equals(old.entries());
        if (!prefix || !java.util.Objects.equals(old.unknown(), grown.unknown())) {
            throw new IllegalArgumentException("the new " + what + " must extend the old one: old entries first, in order, "
                    + "and the same unknown-word entry");
        }
    }

    @Override
    public ModelKind kind() {
        return ModelKind.TAGGER;
    }

    @Override
    public ModelMeta meta() {
        return meta;
    }

    @Override
    public LstmConfig lstmConfig() {
        return lstmConfig;
    }

    @Override
    public ParameterSet parameters() {
        return params;
    }

    @Override
    public TaggerModel withMeta(ModelMeta newMeta) {
        return new TaggerModel(this, newMeta);
    }

    public Vocabulary words() {
        return words;
    }

    public Vocabulary tags() {
        return tags;
    }

    public int embeddingDim() {
        return embedding.dim();
    }

    public Embedding embedding() {
        return embedding;
    }

    public Lstm lstm() {
        return lstm;
    }

    public Linear hidden2tag() {
        return hidden2tag;
    }

    @Override
    public PackedLstm packed() {
        return packed.get();
    }

    /** Call after the weights were changed in place (training, loading), so inference repacks. */
    public void weightsChanged() {
        packed.invalidate();
    }

    /** A word's index, or -1 for an unknown word in a vocabulary without an unknown entry. */
    public int wordIndex(String word) {
        return words.indexOf(word);
    }

    /** The tag of one word, with its probability. */
    public record Tagged(int tagIndex, String tag, float probability) {
    }

    /**
     * Tags words one at a time, carrying {@code (h, c)}: the stepwise loop the streaming job runs per
     * element. Not thread-safe; one per thread.
     */
    public final class Stepper {
        private final PackedLstm lstm = packed();
        private final float[] x = new float[embeddingDim()];
        private final float[] scratch = lstm.newScratch();
        private final float[] logits = new float[tags.size()];

        public Tagged step(String word, LstmState state) {
            int id = wordIndex(word);
            if (id < 0) {
                java.util.Arrays.fill(x, 0f);
            } else {
                embedding.lookup(id, x, 0);
            }
            lstm.step(x, 0, state, scratch);
            hidden2tag.forwardRow(state.values(), state.hOffset(lstmConfig.numLayers() - 1), logits);
            Losses.logSoftmaxRow(logits, 0, logits.length, logits, 0);
            int best = 0;
            for (int j = 1; j < logits.length; j++) {
                if (logits[j] > logits[best]) {
                    best = j;
                }
            }
            return new Tagged(best, tags.get(best), (float) Math.exp(logits[best]));
        }

        /** The full log-probabilities of the last {@link #step}. */
        public float[] lastLogProbabilities() {
            return logits.clone();
        }
    }

    public Stepper newStepper() {
        return new Stepper();
    }

    /** Tags a whole sentence stepwise from the zero state. */
    public List<Tagged> tag(List<String> sentence) {
        Stepper s = newStepper();
        LstmState state = LstmState.zeros(lstmConfig);
        List<Tagged> out = new ArrayList<>(sentence.size());
        for (String w : sentence) {
            out.add(s.step(w, state));
        }
        return out;
    }

    /**
     * Log-probabilities of the tags of whole sentences {@code wordIds[b]}, seq-first
     * {@code [T][B][tags]} padded to the longest: the offline path. It equals {@link Stepper} bit
     * for bit (see {@link PackedLstm#forwardSequence}); {@link #forward} is the training path.
     */
    public float[] predict(int[][] wordIds) {
        int batch = wordIds.length;
        int steps = 0;
        for (int[] s : wordIds) {
            steps = Math.max(steps, s.length);
        }
        int e = embeddingDim();
        float[] x = new float[steps * batch * e];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t < wordIds[b].length && wordIds[b][t] >= 0) {
                    embedding.lookup(wordIds[b][t], x, (t * batch + b) * e);
                }
            }
        }
        LstmState[] states = new LstmState[batch];
        for (int b = 0; b < batch; b++) {
            states[b] = LstmState.zeros(lstmConfig);
        }
        int h = lstmConfig.hiddenSize();
        int k = tags.size();
        float[] out = packed().forwardSequence(x, steps, batch, states);
        float[] logp = new float[steps * batch * k];
        float[] row = new float[k];
        for (int i = 0; i < steps * batch; i++) {
            hidden2tag.forwardRow(out, i * h, row);
            Losses.logSoftmaxRow(row, 0, k, logp, i * k);
        }
        return logp;
    }

    /** One forward pass over a padded batch, kept for the backward pass. */
    public final class BatchPass {
        final int steps;
        final int batch;
        final int[] ids;           // [T * B], -1 where padded or unknown-without-entry
        final Lstm.Trace trace;
        final float[] out;         // [T * B * H]
        public final float[] logProbs; // [T * B * tags]

        BatchPass(int steps, int batch, int[] ids, Lstm.Trace trace, float[] out, float[] logProbs) {
            this.steps = steps;
            this.batch = batch;
            this.ids = ids;
            this.trace = trace;
            this.out = out;
            this.logProbs = logProbs;
        }
    }

    /**
     * Runs sentences {@code wordIds[b]} (of different lengths) as one seq-first batch, padded to the
     * longest. Padding sits after each sentence's end, so it never reaches a real position.
     */
    public BatchPass forward(int[][] wordIds, Gemm gemm) {
        int batch = wordIds.length;
        int steps = 0;
        for (int[] s : wordIds) {
            steps = Math.max(steps, s.length);
        }
        int e = embeddingDim();
        int[] ids = new int[steps * batch];
        float[] x = new float[steps * batch * e];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int id = t < wordIds[b].length ? wordIds[b][t] : -1;
                ids[t * batch + b] = id;
                if (id >= 0) {
                    embedding.lookup(id, x, (t * batch + b) * e);
                }
            }
        }
        Lstm.Trace tr = lstm.forward(x, steps, batch, null, null, gemm);
        float[] out = tr.output();
        float[] logits = hidden2tag.forward(out, steps * batch, gemm);
        Losses.logSoftmax(logits, steps * batch, tags.size(), logits);
        return new BatchPass(steps, batch, ids, tr, out, logits);
    }

    /**
     * NLL loss (mean over real tokens) of a batch pass against {@code tagIds[b]}, and its gradients
     * added to the parameters' gradient tensors. Returns the loss.
     */
    public double backward(BatchPass pass, int[][] tagIds, Gemm gemm) {
        int n = pass.steps * pass.batch;
        int k = tags.size();
        int[] target = new int[n];
        for (int t = 0; t < pass.steps; t++) {
            for (int b = 0; b < pass.batch; b++) {
                target[t * pass.batch + b] = t < tagIds[b].length ? tagIds[b][t] : -1;
            }
        }
        float[] dLogits = new float[n * k];
        double loss = Losses.nllFromLogSoftmax(pass.logProbs, n, k, target, dLogits);
        float[] dOut = hidden2tag.backward(pass.out, dLogits, n, gemm);
        float[] dx = lstm.backward(pass.trace, dOut, gemm);
        embedding.backward(pass.ids, dx);
        return loss;
    }
}
