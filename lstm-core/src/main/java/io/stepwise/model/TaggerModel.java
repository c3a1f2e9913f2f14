package io.stepwise.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
public final class TaggerModel extends Model {

    public static final String EMBEDDING = "word_embeddings.";
    public static final String LSTM = "lstm.";
    public static final String OUTPUT = "hidden2tag.";

    private final Vocabulary words;
    private final Vocabulary tags;
    private final Embedding embedding;
    private final Linear hidden2tag;

    public TaggerModel(ModelMeta meta, Vocabulary words, Vocabulary tags, int embeddingDim, int hiddenSize, int numLayers) {
        this(meta, words, tags, Layers.of(words.size(), tags.size(), new LstmConfig(embeddingDim, hiddenSize, numLayers)));
    }

    private TaggerModel(ModelMeta meta, Vocabulary words, Vocabulary tags, Layers layers) {
        super(meta, layers.params, layers.lstm);
        this.words = words;
        this.tags = tags;
        this.embedding = layers.embedding;
        this.hidden2tag = layers.hidden2tag;
    }

    private TaggerModel(TaggerModel other, ModelMeta meta) {
        super(other, meta);
        this.words = other.words;
        this.tags = other.tags;
        this.embedding = other.embedding;
        this.hidden2tag = other.hidden2tag;
    }

    /** The tutorial module's layers, registered in its {@code state_dict} order: embedding, LSTM, output. */
    private record Layers(ParameterSet params, Embedding embedding, Lstm lstm, Linear hidden2tag) {
        static Layers of(int words, int tags, LstmConfig lstm) {
            ParameterSet params = new ParameterSet();
            Embedding embedding = new Embedding(params, EMBEDDING, words, lstm.inputSize());
            Lstm l = new Lstm(lstm, params, LSTM);
            return new Layers(params, embedding, l, new Linear(params, OUTPUT, lstm.hiddenSize(), tags));
        }
    }

    /** A tagger with the architecture and vocabularies a model file's header gives, and zero weights. */
    static TaggerModel fromHeader(ModelMeta meta, ModelHeader header) {
        ModelHeader arch = header.object("architecture");
        int inputSize = arch.integer("input_size");
        int embeddingDim = arch.integer("embedding_dim");
        if (inputSize != embeddingDim) {
            throw header.error("architecture.input_size " + inputSize + " differs from embedding_dim " + embeddingDim);
        }
        ModelHeader v = header.object("vocabularies");
        Vocabulary words = new Vocabulary(v.strings("words"), v.textOrNull("unknown"));
        Vocabulary tags = Vocabulary.closed(v.strings("tags"));
        return new TaggerModel(meta, words, tags, embeddingDim, arch.integer("hidden_size"), arch.integer("num_layers"));
    }

    @Override
    void writeHeader(ObjectNode header) {
        ObjectNode arch = header.putObject("architecture");
        arch.put("embedding_dim", embeddingDim());
        arch.put("input_size", lstmConfig().inputSize());
        arch.put("hidden_size", lstmConfig().hiddenSize());
        arch.put("num_layers", lstmConfig().numLayers());
        ObjectNode v = header.putObject("vocabularies");
        words.entries().forEach(v.putArray("words")::add);
        v.put("unknown", words.unknown());
        tags.entries().forEach(v.putArray("tags")::add);
    }

    @Override
    String describeSizes() {
        return words.size() + " words (" + (words.unknown() == null ? "no unknown-word entry" : "unknown '" + words.unknown() + "'")
                + "), " + tags.size() + " tags, embedding_dim " + embeddingDim() + ", hidden_size " + lstmConfig().hiddenSize()
                + ", num_layers " + lstmConfig().numLayers();
    }

    /** PyTorch's default initialisation of each layer, from a seed. */
    public TaggerModel initRandom(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterSet params = parameters();
        embedding.initDefault(params, rng);
        lstm().initDefault(params, rng);
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
        TaggerModel grown = new TaggerModel(meta(), newWords, newTags, embeddingDim(), lstmConfig().hiddenSize(),
                lstmConfig().numLayers()).initRandom(seed);
        for (ParameterSet.Parameter p : parameters().asMap().values()) {
            float[] src = p.data();
            float[] dst = grown.parameters().get(p.name()).data();
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

    public Linear hidden2tag() {
        return hidden2tag;
    }

    /** A word's index, or -1 for an unknown word in a vocabulary without an unknown entry. */
    public int wordIndex(String word) {
        return words.indexOf(word);
    }

    @Override
    public String refusal(Input input) {
        return input instanceof Input.Token ? null
                : "model " + name() + " is a tagger and takes tokens; got a value";
    }

    /**
     * Tags words one at a time, carrying {@code (h, c)}: the stepwise loop the streaming job runs per
     * element. Not thread-safe; one per thread.
     */
    public final class Stepper implements Model.Stepper {
        private final PackedLstm lstm = packed();
        private final float[] x = new float[embeddingDim()];
        private final float[] scratch = lstm.newScratch();
        private final float[] logits = new float[tags.size()];

        @Override
        public Prediction.Tag step(Input input, LstmState state) {
            if (!(input instanceof Input.Token token)) {
                throw new IllegalArgumentException(refusal(input));
            }
            return step(token.text(), state);
        }

        public Prediction.Tag step(String word, LstmState state) {
            int id = wordIndex(word);
            if (id < 0) {
                java.util.Arrays.fill(x, 0f);
            } else {
                embedding.lookup(id, x, 0);
            }
            lstm.step(x, 0, state, scratch);
            hidden2tag.forwardRow(state.values(), state.hOffset(lstmConfig().numLayers() - 1), logits);
            Losses.logSoftmaxRow(logits, 0, logits.length, logits, 0);
            return best(logits, 0);
        }

        /** The full log-probabilities of the last {@link #step}. */
        public float[] lastLogProbabilities() {
            return logits.clone();
        }
    }

    /** The most likely tag in the log-probabilities {@code logp[off .. off + tags)}. */
    private Prediction.Tag best(float[] logp, int off) {
        int best = 0;
        for (int j = 1; j < tags.size(); j++) {
            if (logp[off + j] > logp[off + best]) {
                best = j;
            }
        }
        return new Prediction.Tag(best, tags.get(best), (float) Math.exp(logp[off + best]));
    }

    @Override
    public Stepper newStepper() {
        return new Stepper();
    }

    @Override
    public BatchStepper newBatchStepper() {
        return new BatchStepper() {
            private final Stepper single = new Stepper();
            private final PackedLstm lstm = packed();
            private final PackedLstm.BatchScratch scratch = lstm.newBatchScratch();
            private final float[] logits = new float[tags.size()];
            private float[] x = new float[0];

            @Override
            public void step(Input[] inputs, LstmState[] states, int n, Prediction[] predictions) {
                if (n == 1) {
                    // one stream: the single step's panel kernel is faster than a product of one row
                    predictions[0] = single.step(inputs[0], states[0]);
                    return;
                }
                int e = embeddingDim();
                if (x.length < n * e) {
                    x = new float[n * e];
                }
                java.util.Arrays.fill(x, 0, n * e, 0f);
                for (int b = 0; b < n; b++) {
                    if (!(inputs[b] instanceof Input.Token token)) {
                        throw new IllegalArgumentException(refusal(inputs[b]));
                    }
                    int id = wordIndex(token.text());
                    if (id >= 0) {
                        embedding.lookup(id, x, b * e);
                    }
                }
                lstm.stepBatch(x, states, n, scratch);
                int top = lstmConfig().numLayers() - 1;
                for (int b = 0; b < n; b++) {
                    hidden2tag.forwardRow(states[b].values(), states[b].hOffset(top), logits);
                    Losses.logSoftmaxRow(logits, 0, logits.length, logits, 0);
                    predictions[b] = best(logits, 0);
                }
            }
        };
    }

    /** Tags a whole sentence stepwise from the zero state. */
    public List<Prediction.Tag> tag(List<String> sentence) {
        Stepper s = newStepper();
        LstmState state = LstmState.zeros(lstmConfig());
        List<Prediction.Tag> out = new ArrayList<>(sentence.size());
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
    @Override
    public List<List<Prediction>> predict(List<List<Input>> sequences) {
        requireAccepted(sequences);
        int[][] ids = new int[sequences.size()][];
        for (int b = 0; b < ids.length; b++) {
            ids[b] = sequences.get(b).stream().mapToInt(in -> wordIndex(((Input.Token) in).text())).toArray();
        }
        float[] logp = predict(ids);
        int batch = ids.length;
        List<List<Prediction>> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            List<Prediction> tagged = new ArrayList<>(ids[b].length);
            for (int t = 0; t < ids[b].length; t++) {
                tagged.add(best(logp, (t * batch + b) * tags.size()));
            }
            out.add(tagged);
        }
        return out;
    }

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
            states[b] = LstmState.zeros(lstmConfig());
        }
        int h = lstmConfig().hiddenSize();
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
        Lstm.Trace tr = lstm().forward(x, steps, batch, null, null, gemm);
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
        float[] dx = lstm().backward(pass.trace, dOut, gemm);
        embedding.backward(pass.ids, dx);
        return loss;
    }
}
