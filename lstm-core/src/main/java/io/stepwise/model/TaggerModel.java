package io.stepwise.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.lstm.Lstm;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.nn.CharEncoder;
import io.stepwise.nn.Dropout;
import io.stepwise.nn.Embedding;
import io.stepwise.nn.Linear;
import io.stepwise.nn.Losses;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A part-of-speech tagger. In its simplest shape it is the tutorial's {@code LSTMTagger}:
 * {@code word_embeddings} (Embedding), {@code lstm}, and {@code hidden2tag} (Linear), then
 * log-softmax over the tag set, under the tutorial module's parameter names, so a {@code state_dict}
 * moves between PyTorch and Stepwise unchanged. The streaming tagger adds character features and
 * bounded-delay decoding ({@link TaggerShape}); its parameters, in {@code state_dict} order:
 * {@code word_embeddings}, {@code char_embeddings}, {@code char_lstm} (both directions),
 * {@code lstm}, {@code hidden2tag} and {@code delayed2tag.0 .. D-1}, where head {@code d} reads
 * {@code [h_t ; h_t+d]}.
 */
public final class TaggerModel extends Model {

    public static final String EMBEDDING = "word_embeddings.";
    public static final String LSTM = "lstm.";
    public static final String OUTPUT = "hidden2tag.";
    public static final String DELAYED = "delayed2tag.";

    private final Vocabulary words;
    private final Vocabulary tags;
    private final TaggerShape shape;
    private final Embedding embedding;
    private final CharEncoder chars;
    private final Linear hidden2tag;
    private final Linear[] delayed; // [d - 1], d = 1 .. delay
    private final CharCache charCache;
    private final KnownWordGates knownWordGates;

    /** The tutorial's tagger: words only, tags at once. */
    public TaggerModel(ModelMeta meta, Vocabulary words, Vocabulary tags, int embeddingDim, int hiddenSize, int numLayers) {
        this(meta, words, tags, null, TaggerShape.wordsOnly(embeddingDim, hiddenSize, numLayers));
    }

    /** A tagger of any shape; {@code characters} is the character vocabulary, null when the shape has no character features. */
    public TaggerModel(ModelMeta meta, Vocabulary words, Vocabulary tags, Vocabulary characters, TaggerShape shape) {
        this(meta, words, tags, shape, Layers.of(words.size(), tags.size(), characters, shape));
    }

    private TaggerModel(ModelMeta meta, Vocabulary words, Vocabulary tags, TaggerShape shape, Layers layers) {
        super(meta, layers.params, layers.lstm);
        this.words = words;
        this.tags = tags;
        this.shape = shape;
        this.embedding = layers.embedding;
        this.chars = layers.chars;
        this.hidden2tag = layers.hidden2tag;
        this.delayed = layers.delayed;
        this.charCache = new CharCache();
        this.knownWordGates = new KnownWordGates();
    }

    private TaggerModel(TaggerModel other, ModelMeta meta) {
        super(other, meta);
        this.words = other.words;
        this.tags = other.tags;
        this.shape = other.shape;
        this.embedding = other.embedding;
        this.chars = other.chars;
        this.hidden2tag = other.hidden2tag;
        this.delayed = other.delayed;
        this.charCache = other.charCache;
        this.knownWordGates = other.knownWordGates;
    }

    /**
     * A tagger of the same shape and vocabularies with weights and gradients of its own (zero until
     * copied in): one share of a batch in data-parallel training.
     */
    public TaggerModel replica() {
        return new TaggerModel(meta(), words, tags, chars == null ? null : chars.characters(), shape);
    }

    /** The layers, registered in {@code state_dict} order. */
    private record Layers(ParameterSet params, Embedding embedding, CharEncoder chars, Lstm lstm, Linear hidden2tag,
                          Linear[] delayed) {
        static Layers of(int words, int tags, Vocabulary characters, TaggerShape s) {
            if (s.hasCharacters() == (characters == null)) {
                throw new IllegalArgumentException(s.hasCharacters() ? "character features need a character vocabulary"
                        : "a character vocabulary was given to a tagger without character features");
            }
            ParameterSet params = new ParameterSet();
            Embedding embedding = new Embedding(params, EMBEDDING, words, s.embeddingDim());
            CharEncoder chars = s.hasCharacters() ? new CharEncoder(params, characters, s.charDim(), s.charHidden(), s.maxChars()) : null;
            Lstm lstm = new Lstm(new LstmConfig(s.inputSize(), s.hiddenSize(), s.numLayers()), params, LSTM);
            Linear out = new Linear(params, OUTPUT, s.hiddenSize(), tags);
            Linear[] delayed = new Linear[s.delay()];
            for (int d = 1; d <= s.delay(); d++) {
                delayed[d - 1] = new Linear(params, DELAYED + (d - 1) + ".", 2 * s.hiddenSize(), tags);
            }
            return new Layers(params, embedding, chars, lstm, out, delayed);
        }
    }

    // ---- the model file ----------------------------------------------------------------------

    /** A tagger with the architecture and vocabularies a model file's header gives, and zero weights; older files have words only. */
    static TaggerModel fromHeader(ModelMeta meta, ModelHeader header) {
        ModelHeader arch = header.object("architecture");
        int embeddingDim = arch.integer("embedding_dim");
        ModelHeader v = header.object("vocabularies");
        Vocabulary words = new Vocabulary(v.strings("words"), v.textOrNull("unknown"));
        Vocabulary tags = Vocabulary.closed(v.strings("tags"));
        Vocabulary characters = null;
        int charDim = 0;
        int charHidden = 0;
        int maxChars = 0;
        if (arch.has("characters")) {
            ModelHeader c = arch.object("characters");
            charDim = c.integer("char_dim");
            charHidden = c.integer("hidden_size");
            maxChars = c.integer("max_chars");
            characters = new Vocabulary(v.strings("characters"), v.textOrNull("unknown_character"));
        }
        TaggerShape shape = new TaggerShape(embeddingDim, arch.integer("hidden_size"), arch.integer("num_layers"), charDim,
                charHidden, maxChars, arch.integer("delay", 0), v.has("lowercase") && v.root().get("lowercase").asBoolean());
        int inputSize = arch.integer("input_size");
        if (inputSize != shape.inputSize()) {
            throw header.error("architecture.input_size " + inputSize + " differs from embedding_dim " + embeddingDim
                    + (shape.hasCharacters() ? " + 2 x characters.hidden_size " + charHidden : ""));
        }
        return new TaggerModel(meta, words, tags, characters, shape);
    }

    @Override
    void writeHeader(ObjectNode header) {
        ObjectNode arch = header.putObject("architecture");
        arch.put("embedding_dim", embeddingDim());
        arch.put("input_size", lstmConfig().inputSize());
        arch.put("hidden_size", lstmConfig().hiddenSize());
        arch.put("num_layers", lstmConfig().numLayers());
        // the streaming tagger's parts only where present, so a words-only tagger's file stays as it was
        if (chars != null) {
            ObjectNode c = arch.putObject("characters");
            c.put("char_dim", chars.charDim());
            c.put("hidden_size", chars.hiddenSize());
            c.put("max_chars", chars.maxChars());
            c.put("bidirectional", true);
        }
        if (shape.delay() > 0) {
            arch.put("delay", shape.delay());
        }
        ObjectNode v = header.putObject("vocabularies");
        words.entries().forEach(v.putArray("words")::add);
        v.put("unknown", words.unknown());
        if (shape.lowercase()) {
            v.put("lowercase", true);
        }
        tags.entries().forEach(v.putArray("tags")::add);
        if (chars != null) {
            chars.characters().entries().forEach(v.putArray("characters")::add);
            v.put("unknown_character", chars.characters().unknown());
        }
    }

    @Override
    String describeSizes() {
        return words.size() + " words (" + (words.unknown() == null ? "no unknown-word entry" : "unknown '" + words.unknown() + "'")
                + (shape.lowercase() ? ", lower-cased" : "") + "), " + tags.size() + " tags, embedding_dim " + embeddingDim()
                + (chars == null ? "" : ", characters " + chars.characters().size() + " x " + chars.charDim() + " -> 2 x "
                + chars.hiddenSize())
                + ", hidden_size " + lstmConfig().hiddenSize() + ", num_layers " + lstmConfig().numLayers()
                + (shape.delay() > 0 ? ", delay " + shape.delay() : "");
    }

    /** PyTorch's default initialisation of each layer, from a seed. */
    public TaggerModel initRandom(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterSet params = parameters();
        embedding.initDefault(params, rng);
        if (chars != null) {
            chars.initDefault(params, rng);
        }
        lstm().initDefault(params, rng);
        hidden2tag.initDefault(params, rng);
        for (Linear head : delayed) {
            head.initDefault(params, rng);
        }
        weightsChanged();
        return this;
    }

    /**
     * This model with larger vocabularies: {@code newWords} and {@code newTags} must begin with
     * this model's entries, in order, so that every old index keeps its meaning. Old embedding rows,
     * the character encoder, the LSTM and the old output rows are copied; the rows of the new entries
     * start as a fresh model's would (PyTorch's defaults, from {@code seed}). Sentences of known words
     * therefore tag exactly as before as long as no tag was added. The copy shares nothing with this model.
     */
    public TaggerModel withVocabularies(Vocabulary newWords, Vocabulary newTags, long seed) {
        requireExtension("word vocabulary", words, newWords);
        requireExtension("tag set", tags, newTags);
        TaggerModel grown = new TaggerModel(meta(), newWords, newTags, chars == null ? null : chars.characters(), shape)
                .initRandom(seed);
        for (ParameterSet.Parameter p : parameters().asMap().values()) {
            float[] src = p.data();
            float[] dst = grown.parameters().get(p.name()).data();
            // every table only grows at the end (words, tags), so the old values are a prefix
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
    public void weightsChanged() {
        super.weightsChanged();
        if (charCache != null) {
            charCache.invalidate();
            knownWordGates.invalidate();
        }
    }

    // ---- accessors -------------------------------------------------------------------------------

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

    public TaggerShape shape() {
        return shape;
    }

    public int embeddingDim() {
        return embedding.dim();
    }

    public Embedding embedding() {
        return embedding;
    }

    /** The character encoder; null for a words-only tagger. */
    public CharEncoder characters() {
        return chars;
    }

    public Linear hidden2tag() {
        return hidden2tag;
    }

    /** The decoding delay: how many words after a word its final tag waits for. */
    public int delay() {
        return shape.delay();
    }

    /** A word's index, or -1 for an unknown word in a vocabulary without an unknown entry. */
    public int wordIndex(String word) {
        return words.indexOf(shape.lowercase() ? word.toLowerCase(Locale.ROOT) : word);
    }

    /** Whether {@code word} has an embedding of its own (is not the unknown word). */
    public boolean isKnown(String word) {
        int id = wordIndex(word);
        return id >= 0 && (words.unknown() == null || id != words.indexOf(words.unknown()));
    }

    @Override
    public String refusal(Input input) {
        return input instanceof Input.Token ? null
                : "model " + name() + " is a tagger and takes tokens; got a value";
    }

    // ---- word features -------------------------------------------------------------------------

    /**
     * The character encodings of the words a model knows, computed once when a version is first
     * stepped, so that only unknown words pay for the character encoder per element. With
     * lower-cased lookup the vocabulary holds lower-case forms; their capitalised forms (sentence
     * starts, names) are cached too. The map keeps {@link #writtenForms}' order, most frequent first,
     * which is the order {@link KnownWordGates} gives out its rows in.
     */
    private final class CharCache {
        private volatile Map<String, float[]> encodings;

        Map<String, float[]> get() {
            Map<String, float[]> m = encodings;
            if (m == null) {
                m = build();
                encodings = m;
            }
            return m;
        }

        void invalidate() {
            encodings = null;
        }

        private Map<String, float[]> build() {
            if (chars == null) {
                return Map.of();
            }
            CharEncoder.Reader reader = chars.newReader();
            List<String> forms = writtenForms();
            Map<String, float[]> m = new LinkedHashMap<>(forms.size() * 2);
            for (String w : forms) {
                float[] e = new float[chars.dim()];
                reader.encode(w, e, 0);
                m.put(w, e);
            }
            return m;
        }
    }

    /**
     * The vocabulary's words as they may be written, most frequent first: each word and, with
     * lower-cased lookup, its capitalised form (sentence starts, names) after it; not the unknown word.
     */
    private List<String> writtenForms() {
        List<String> forms = new ArrayList<>(words.size() * (shape.lowercase() ? 2 : 1));
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String w : words.entries()) {
            if (w.equals(words.unknown())) {
                continue;
            }
            if (seen.add(w)) {
                forms.add(w);
            }
            if (shape.lowercase()) {
                String capitalised = w.substring(0, w.offsetByCodePoints(0, 1)).toUpperCase(Locale.ROOT)
                        + w.substring(w.offsetByCodePoints(0, 1));
                if (seen.add(capitalised)) {
                    forms.add(capitalised);
                }
            }
        }
        return forms;
    }

    /**
     * Each known word's share of the first layer's gates, {@code bias + W_ih · x} over the whole input
     * x the word always has ({@link PackedLstm#leadingInputGates}), so that its step multiplies only h:
     * a table lookup instead of most of the product. A word-only tagger's x is the word's embedding,
     * one row per vocabulary entry; with character features x is the embedding beside the encoding
     * of the word as written, one row per written form ({@link #writtenForms}). Rows go to the most
     * frequent words first, up to {@link #MAX_BYTES}; other words, and unknown ones, take the full
     * product. Each row adds its inputs in the order the step does, so a word's step gives the same
     * bits from the table as without it. Built on first use after a change.
     */
    private final class KnownWordGates {
        static final long MAX_BYTES = 32L << 20;
        private volatile GateTable table;

        GateTable get() {
            GateTable t = table;
            if (t == null) {
                t = build();
                table = t;
            }
            return t;
        }

        void invalidate() {
            table = null;
        }

        private GateTable build() {
            int cap = (int) (MAX_BYTES / (4L * 4 * lstmConfig().hiddenSize()));
            if (chars == null) {
                int rows = Math.min(words.size(), cap);
                return new GateTable(packed().leadingInputGates(embedding.weight().data(), rows, embeddingDim()), rows,
                        embeddingDim(), null);
            }
            Map<String, float[]> encodings = charCache.get(); // the written forms, most frequent first
            int rows = Math.min(encodings.size(), cap);
            int in = lstmConfig().inputSize();
            float[] inputs = new float[Math.multiplyExact(rows, in)];
            Map<String, Integer> byForm = new HashMap<>(rows * 2);
            java.util.Iterator<Map.Entry<String, float[]>> forms = encodings.entrySet().iterator();
            for (int r = 0; r < rows; r++) {
                Map.Entry<String, float[]> form = forms.next();
                embedding.lookup(wordIndex(form.getKey()), inputs, r * in);
                System.arraycopy(form.getValue(), 0, inputs, r * in + embeddingDim(), chars.dim());
                byForm.put(form.getKey(), r);
            }
            return new GateTable(packed().leadingInputGates(inputs, rows, in), rows, in, byForm);
        }
    }

    /**
     * {@link KnownWordGates}' rows, {@code 4H} floats each, for the first {@code known} inputs; found
     * by written form ({@code byForm}) with character features, else by vocabulary index.
     */
    private final class GateTable {
        private final float[] values;
        private final int count;
        private final int known;
        private final Map<String, Integer> byForm;

        GateTable(float[] values, int count, int known, Map<String, Integer> byForm) {
            this.values = values;
            this.count = count;
            this.known = known;
            this.byForm = byForm;
        }

        /** The row of {@code word} as written, or -1 where it has none (unknown, or past the table). */
        int row(String word) {
            if (byForm != null) {
                Integer r = byForm.get(word);
                return r == null ? -1 : r;
            }
            int id = wordIndex(word);
            return id >= 0 && id < count ? id : -1;
        }
    }

    /** Writes the LSTM input for one word: its embedding and, with character features, its encoding. Not thread-safe. */
    private final class Features {
        private final CharEncoder.Reader reader = chars == null ? null : chars.newReader();
        private final Map<String, float[]> cache = charCache.get();

        /** Writes the word's input to {@code x[off ..]}. */
        void write(String word, float[] x, int off) {
            int id = wordIndex(word);
            if (id < 0) {
                java.util.Arrays.fill(x, off, off + embeddingDim(), 0f);
            } else {
                embedding.lookup(id, x, off);
            }
            if (chars != null) {
                float[] cached = cache.get(word);
                if (cached != null) {
                    System.arraycopy(cached, 0, x, off + embeddingDim(), cached.length);
                } else {
                    reader.encode(word, x, off + embeddingDim());
                }
            }
        }
    }

    // ---- decoding ------------------------------------------------------------------------------

    /**
     * The tag predicted for a word by head {@code d}: {@code d = 0} from its own top hidden state
     * {@code h[hOff ..]}; {@code d > 0} from that state beside the one {@code d} words later,
     * {@code later[laterOff ..]}. {@code logits} is scratch of the tag set's size.
     */
    public Prediction.Tag head(int d, float[] h, int hOff, float[] later, int laterOff, float[] logits, float[] pair) {
        if (d == 0) {
            hidden2tag.forwardRow(h, hOff, logits);
        } else {
            int hs = lstmConfig().hiddenSize();
            System.arraycopy(h, hOff, pair, 0, hs);
            System.arraycopy(later, laterOff, pair, hs, hs);
            delayed[d - 1].forwardRow(pair, 0, logits);
        }
        Losses.logSoftmaxRow(logits, 0, logits.length, logits, 0);
        return best(logits, 0);
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

    /**
     * Tags words one at a time, carrying {@code (h, c)}: the stepwise loop the streaming job runs per
     * element. Its prediction is head 0's, the tag at once; a delayed tagger's final tags come from
     * {@link #head} over the states the stream keeps. Not thread-safe; one per thread.
     */
    public final class Stepper implements Model.Stepper {
        private final PackedLstm lstm = packed();
        private final Features features = new Features();
        private final float[] x = new float[lstmConfig().inputSize()];
        private final float[] scratch = lstm.newScratch();
        private final float[] logits = new float[tags.size()];
        private final float[] pair = new float[2 * lstmConfig().hiddenSize()];
        private final GateTable gates = knownWordGates.get();

        @Override
        public Prediction.Tag step(Input input, LstmState state) {
            if (!(input instanceof Input.Token token)) {
                throw new IllegalArgumentException(refusal(input));
            }
            return step(token.text(), state);
        }

        public Prediction.Tag step(String word, LstmState state) {
            int row = gates.row(word);
            if (row >= 0) {
                // the table holds the whole input's share: x is not read
                lstm.step(x, 0, gates.values, row * 4 * lstmConfig().hiddenSize(), gates.known, state, scratch);
            } else {
                features.write(word, x, 0);
                lstm.step(x, 0, state, scratch);
            }
            return head(0, state.values(), state.hOffset(lstmConfig().numLayers() - 1), null, 0, logits, pair);
        }

        /** The full log-probabilities of head 0 at the last {@link #step}. */
        public float[] lastLogProbabilities() {
            return logits.clone();
        }
    }

    @Override
    public Stepper newStepper() {
        return new Stepper();
    }

    @Override
    protected BatchStepper batchStepper(boolean asProduct) {
        return new BatchStepper() {
            private final Features features = new Features();
            private final PackedLstm lstm = packed();
            private final PackedLstm.BatchScratch scratch = lstm.newBatchScratch();
            private final float[] logits = new float[tags.size()];
            private final float[] pair = new float[2 * lstmConfig().hiddenSize()];
            private final GateTable gates = knownWordGates.get();
            private float[] x = new float[0];
            private int[] gateRows = new int[0];

            @Override
            public void step(Input[] inputs, LstmState[] states, int n, Prediction[] predictions) {
                int in = lstmConfig().inputSize();
                if (x.length < n * in) {
                    x = new float[n * in];
                    gateRows = new int[n];
                }
                for (int b = 0; b < n; b++) {
                    if (!(inputs[b] instanceof Input.Token token)) {
                        throw new IllegalArgumentException(refusal(inputs[b]));
                    }
                    gateRows[b] = gates.row(token.text());
                    if (gateRows[b] < 0) {
                        features.write(token.text(), x, b * in); // a table row holds the whole input's share
                    }
                }
                if (asProduct) {
                    lstm.stepBatch(x, gates.values, gateRows, gates.known, states, n, scratch);
                } else {
                    lstm.stepEach(x, gates.values, gateRows, gates.known, states, n, scratch);
                }
                int top = lstmConfig().numLayers() - 1;
                for (int b = 0; b < n; b++) {
                    predictions[b] = head(0, states[b].values(), states[b].hOffset(top), null, 0, logits, pair);
                }
            }
        };
    }

    /** Tags a whole sentence stepwise from the zero state, with head 0 (the tag at once). */
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
     * The tags of whole sentences, each word's from the head its delay allows: {@code min(delay,
     * words after it)}: what the streaming job finally says of each word. It computes in the order
     * the stepwise path does ({@link PackedLstm#forwardSequence}).
     */
    public List<List<Prediction.Tag>> finalTags(List<List<String>> sentences) {
        List<List<Prediction.Tag>> out = new ArrayList<>(sentences.size());
        for (List<Prediction> seq : predict(tokens(sentences))) {
            List<Prediction.Tag> tagged = new ArrayList<>(seq.size());
            for (Prediction p : seq) {
                tagged.add(p instanceof Prediction.DelayedTag d ? d.finalTag() : (Prediction.Tag) p);
            }
            out.add(tagged);
        }
        return out;
    }

    private static List<List<Input>> tokens(List<List<String>> sentences) {
        List<List<Input>> in = new ArrayList<>(sentences.size());
        for (List<String> s : sentences) {
            in.add(s.stream().map(Input::token).toList());
        }
        return in;
    }

    /**
     * Whole sentences, the offline path: per word head 0's tag, and for a delayed tagger a
     * {@link Prediction.DelayedTag} with the tag at once and the final one.
     */
    @Override
    public List<List<Prediction>> predict(List<List<Input>> sequences) {
        requireAccepted(sequences);
        int batch = sequences.size();
        int steps = longest(sequences);
        int in = lstmConfig().inputSize();
        int h = lstmConfig().hiddenSize();
        Features features = new Features();
        float[] x = new float[steps * batch * in];
        for (int b = 0; b < batch; b++) {
            List<Input> s = sequences.get(b);
            for (int t = 0; t < s.size(); t++) {
                features.write(((Input.Token) s.get(t)).text(), x, (t * batch + b) * in);
            }
        }
        LstmState[] states = new LstmState[batch];
        for (int b = 0; b < batch; b++) {
            states[b] = LstmState.zeros(lstmConfig());
        }
        float[] hs = packed().forwardSequence(x, steps, batch, states);
        float[] logits = new float[tags.size()];
        float[] pair = new float[2 * h];
        List<List<Prediction>> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            int len = sequences.get(b).size();
            List<Prediction> tagged = new ArrayList<>(len);
            for (int t = 0; t < len; t++) {
                int at = (t * batch + b) * h;
                Prediction.Tag now = head(0, hs, at, null, 0, logits, pair);
                if (shape.delay() == 0) {
                    tagged.add(now);
                    continue;
                }
                int d = Math.min(shape.delay(), len - 1 - t);
                Prediction.Tag fin = d == 0 ? now : head(d, hs, at, hs, ((t + d) * batch + b) * h, logits, pair);
                tagged.add(new Prediction.DelayedTag(now, fin));
            }
            out.add(tagged);
        }
        return out;
    }

    /**
     * Log-probabilities of head 0 for whole sentences {@code wordIds[b]}, seq-first
     * {@code [T][B][tags]}, for a words-only tagger: the tutorial's offline path.
     */
    public float[] predict(int[][] wordIds) {
        requireWordsOnly();
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

    private void requireWordsOnly() {
        if (chars != null) {
            throw new IllegalStateException("a tagger with character features needs the words themselves, not only their ids");
        }
    }

    // ---- training ------------------------------------------------------------------------------

    /** A words-only tagger's pass over sentences of word ids (the tutorial's path). */
    public TaggerBatchPass forward(int[][] wordIds, Gemm gemm) {
        requireWordsOnly();
        return TaggerBatchPass.forward(this, wordIds, null, gemm, null);
    }

    /**
     * Runs sentences (of different lengths) as one seq-first batch, padded to the longest; padding sits
     * after each sentence's end, so it never reaches a real position. {@code wordIds[b]} are the
     * embedding rows (the trainer may have replaced some by the unknown word); {@code words[b]} the
     * words as written, for the character encoder (null for a words-only tagger). The character
     * encoder reads each distinct word of the batch once.
     */
    public TaggerBatchPass forward(int[][] wordIds, String[][] words, Gemm gemm, Dropout dropout) {
        return TaggerBatchPass.forward(this, wordIds, words, gemm, dropout);
    }

    /**
     * The loss of a batch pass against {@code tagIds[b]}, its gradients added to the parameters'
     * gradient tensors: NLL (mean over the real words) of head 0, plus, for each delayed head
     * {@code d}, NLL (mean over the words with at least {@code d} words after them). Returns the loss.
     */
    public double backward(TaggerBatchPass pass, int[][] tagIds, Gemm gemm) {
        return pass.backward(tagIds, gemm, null);
    }

    /**
     * {@link #backward(TaggerBatchPass, int[][], Gemm)} for a pass over a share of a larger batch:
     * each head's sum is divided by {@code wordsPerHead[d]}, the words it reads in the whole batch
     * ({@link #wordsPerHead}), so that the shares' losses and gradients add up to the whole batch's.
     */
    public double backward(TaggerBatchPass pass, int[][] tagIds, Gemm gemm, int[] wordsPerHead) {
        return pass.backward(tagIds, gemm, wordsPerHead);
    }

    /** The words each head of this tagger reads in sentences of these lengths (see {@link #backward(TaggerBatchPass, int[][], Gemm, int[])}). */
    public int[] wordsPerHead(int[] lengths) {
        return TaggerBatchPass.wordsPerHead(lengths, delay());
    }

    /** Delayed head {@code d} (1 .. delay): the Linear over {@code [h_t ; h_t+d]}. */
    Linear delayedHead(int d) {
        return delayed[d - 1];
    }
}
