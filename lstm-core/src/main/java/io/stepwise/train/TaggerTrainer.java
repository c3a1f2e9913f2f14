package io.stepwise.train;

import io.stepwise.nn.Dropout;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.Provenance;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Trains the tutorial's tagger on tagged sentences in mini-batches: sentences of similar length
 * share a batch (so that little of it is padding), batches come in a seeded random order, and the
 * loss is the mean negative log-likelihood over the batch's real words. Each batch is computed in
 * two shares, on two threads where there are two cores ({@link TaggerGradients}). The same seed
 * gives the same weights, bit for bit, on one core or two.
 */
public final class TaggerTrainer {

    /**
     * Settings of a tagger training run; build them with {@link #builder()}, which holds the defaults.
     * The defaults train the tutorial's shape (words only, tags at once); the streaming tagger's
     * recipe sets the character and delay fields (see {@code TrainTaggerCommand}).
     *
     * @param embeddingDim      size of a word embedding (default 64)
     * @param hiddenSize        LSTM hidden size (default 128)
     * @param numLayers         stacked LSTM layers (default 1)
     * @param batchSize         sentences per optimizer step (default 32)
     * @param epochs            passes over the training sentences (default 10)
     * @param learningRate      the optimizer's learning rate at the start (default 0.002, for Adam)
     * @param optimizer         ADAM (default) or SGD, both ND4J updaters
     * @param minCount          words seen fewer times map to {@code <unk>}, so its embedding is trained (default 2)
     * @param seed              seeds the initial weights, the batch order and the training noise (default 1)
     * @param clipNorm          largest global gradient norm, 0 for no clipping (default 5)
     * @param charDim           character embedding size; 0 with charHidden 0: no character features (default 0)
     * @param charHidden        hidden size of each direction of the character LSTM; 0: none (default 0)
     * @param maxChars          a longer word is read as its first and last maxChars / 2 characters (default 20)
     * @param charMinCount      characters seen fewer times are the unknown character (default 2)
     * @param delay             decoding delay D, 0 to 3: heads for 1 .. D words of look-ahead (default 0)
     * @param lowercase         look words up lower-cased (characters keep their case) (default false)
     * @param finalLearningRate the learning rate at the end, reached linearly; 0: constant (default 0)
     * @param wordDropout       alpha of word dropout: a training word seen c times is read as the unknown word with
     *                          probability max(floor, alpha / (alpha + c)), so that its embedding and the characters learn
     *                          to stand in for words never seen (default 0: none)
     * @param wordDropoutFloor  the least probability of word dropout for any word, frequent ones too (default 0)
     * @param inputDropout      dropout on the word LSTM's input in training (default 0)
     * @param outputDropout     dropout on the word LSTM's output before the heads in training (default 0)
     */
    public record Settings(int embeddingDim, int hiddenSize, int numLayers, int batchSize, int epochs, double learningRate, OptimizerKind optimizer, int minCount, long seed, double clipNorm, int charDim, int charHidden, int maxChars, int charMinCount, int delay, boolean lowercase, double finalLearningRate, double wordDropout, double wordDropoutFloor, double inputDropout, double outputDropout) {

        public Settings {
            positive("embedding dim", embeddingDim);
            positive("hidden size", hiddenSize);
            positive("layers", numLayers);
            positive("batch size", batchSize);
            if (epochs < 0) {
                throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
            }
            positive("min count", minCount);
            if (clipNorm < 0) {
                throw new IllegalArgumentException("clip norm must be >= 0, got " + clipNorm);
            }
            if (charHidden < 0 || charDim < 0 || (charHidden > 0) != (charDim > 0)) {
                throw new IllegalArgumentException("character features need both a char dim and a char hidden size, got "
                        + charDim + " and " + charHidden);
            }
            positive("char min count", charMinCount);
            if (finalLearningRate < 0) {
                throw new IllegalArgumentException("final learning rate must be >= 0, got " + finalLearningRate);
            }
            if (!(wordDropout >= 0) || !(wordDropoutFloor >= 0 && wordDropoutFloor < 1) || !(inputDropout >= 0 && inputDropout < 1)
                    || !(outputDropout >= 0 && outputDropout < 1)) {
                throw new IllegalArgumentException("word dropout must be >= 0 and dropout probabilities in [0, 1)");
            }
            new io.stepwise.model.TaggerShape(embeddingDim, hiddenSize, numLayers, charDim, charHidden, maxChars, delay, lowercase);
        }

        /** The model's architecture these settings train. */
        public io.stepwise.model.TaggerShape shape() {
            return new io.stepwise.model.TaggerShape(embeddingDim, hiddenSize, numLayers, charDim, charHidden, maxChars, delay,
                    lowercase);
        }


        public static Builder builder() {
            return new Builder();
        }

        public static Settings defaults() {
            return builder().build();
        }

        /** A builder holding these settings, to change some of them. */
        public Builder toBuilder() {
            return new Builder().embeddingDim(embeddingDim).hiddenSize(hiddenSize).numLayers(numLayers).batchSize(batchSize).epochs(epochs).learningRate(learningRate).optimizer(optimizer).minCount(minCount).seed(seed).clipNorm(clipNorm).charDim(charDim).charHidden(charHidden).maxChars(maxChars).charMinCount(charMinCount).delay(delay).lowercase(lowercase).finalLearningRate(finalLearningRate).wordDropout(wordDropout).wordDropoutFloor(wordDropoutFloor).inputDropout(inputDropout).outputDropout(outputDropout);
        }

        /** The settings as provenance entries of the trained model. */
        public Map<String, Object> provenance() {
            return Provenance.of(this);
        }

        private static void positive(String what, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + v);
            }
        }
    }

    /** Builds {@link Settings}; every field starts at its default. */
    public static final class Builder {
        private int embeddingDim = 64;
        private int hiddenSize = 128;
        private int numLayers = 1;
        private int batchSize = 32;
        private int epochs = 10;
        private double learningRate = 0.002;
        private OptimizerKind optimizer = OptimizerKind.ADAM;
        private int minCount = 2;
        private long seed = 1;
        private double clipNorm = 5.0;
        private int charDim = 0;
        private int charHidden = 0;
        private int maxChars = 20;
        private int charMinCount = 2;
        private int delay = 0;
        private boolean lowercase = false;
        private double finalLearningRate = 0;
        private double wordDropout = 0;
        private double wordDropoutFloor = 0;
        private double inputDropout = 0;
        private double outputDropout = 0;

        public Builder embeddingDim(int v) {
            embeddingDim = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder numLayers(int v) {
            numLayers = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder optimizer(OptimizerKind v) {
            optimizer = v;
            return this;
        }

        public Builder minCount(int v) {
            minCount = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder charDim(int v) {
            charDim = v;
            return this;
        }

        public Builder charHidden(int v) {
            charHidden = v;
            return this;
        }

        public Builder maxChars(int v) {
            maxChars = v;
            return this;
        }

        public Builder charMinCount(int v) {
            charMinCount = v;
            return this;
        }

        public Builder delay(int v) {
            delay = v;
            return this;
        }

        public Builder lowercase(boolean v) {
            lowercase = v;
            return this;
        }

        public Builder finalLearningRate(double v) {
            finalLearningRate = v;
            return this;
        }

        public Builder wordDropout(double v) {
            wordDropout = v;
            return this;
        }

        public Builder wordDropoutFloor(double v) {
            wordDropoutFloor = v;
            return this;
        }

        public Builder inputDropout(double v) {
            inputDropout = v;
            return this;
        }

        public Builder outputDropout(double v) {
            outputDropout = v;
            return this;
        }

        public Settings build() {
            return new Settings(embeddingDim, hiddenSize, numLayers, batchSize, epochs, learningRate, optimizer, minCount, seed, clipNorm, charDim, charHidden, maxChars, charMinCount, delay, lowercase, finalLearningRate, wordDropout, wordDropoutFloor, inputDropout, outputDropout);
        }
    }

    /**
     * The streaming tagger's recipe: character features, bounded-delay decoding, lower-cased word
     * lookup, word dropout and dropout, a decaying learning rate. {@code train tagger --conllu} trains
     * it by default; docs/tagger.md says how it was chosen (on UD English EWT dev). Fourteen epochs
     * because an epoch of EWT takes about 37 s on two cores (each batch in two shares on two threads,
     * {@link TaggerGradients}) and training must stay within 10 minutes on two; 15 would leave no margin.
     */
    public static Settings streamingRecipe() {
        return Settings.builder()
                .embeddingDim(96).hiddenSize(128).numLayers(1)
                .charDim(24).charHidden(30).maxChars(20).charMinCount(5)
                .delay(2).lowercase(true)
                .minCount(1).wordDropout(0.25).wordDropoutFloor(0.05).inputDropout(0.33).outputDropout(0.33)
                .batchSize(32).epochs(14).learningRate(0.002).finalLearningRate(0.0002).clipNorm(5)
                .build();
    }

    /** What a run produced: the mean training loss and, with a dev set, the dev accuracy of every epoch. */
    public record Result(TaggerModel model, List<Double> epochLosses, List<Double> devAccuracy) {
    }

    private final Settings settings;

    public TaggerTrainer(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The word vocabulary: {@code <unk>} at index 0, then every word seen at least {@code minCount}
     * times, most frequent first (ties in order of first appearance).
     */
    public static Vocabulary vocabulary(List<TaggedSentence> sentences, int minCount) {
        return vocabulary(sentences, minCount, false);
    }

    /** {@link #vocabulary(List, int)} of the words lower-cased when {@code lowercase}, as such a model looks them up. */
    public static Vocabulary vocabulary(List<TaggedSentence> sentences, int minCount, boolean lowercase) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TaggedSentence s : sentences) {
            for (String w : s.words()) {
                counts.merge(lowercase ? w.toLowerCase(java.util.Locale.ROOT) : w, 1, Integer::sum);
            }
        }
        List<String> kept = new ArrayList<>();
        counts.forEach((w, c) -> {
            if (c >= minCount) {
                kept.add(w);
            }
        });
        kept.sort(Comparator.comparingInt((String w) -> -counts.get(w)));
        return Vocabulary.withUnknown(kept);
    }

    /** The tags of the data, sorted, so that the same data gives the same tag indices. */
    public static Vocabulary tagSet(List<TaggedSentence> sentences) {
        TreeSet<String> tags = new TreeSet<>();
        for (TaggedSentence s : sentences) {
            tags.addAll(s.tags());
        }
        return Vocabulary.closed(new ArrayList<>(tags));
    }

    /**
     * The characters of the data seen at least {@code minCount} times, most frequent first (ties in
     * order of first appearance), after the unknown character: code points, so that an emoji or a CJK
     * character is one character.
     */
    public static Vocabulary characters(List<TaggedSentence> sentences, int minCount) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TaggedSentence s : sentences) {
            for (String w : s.words()) {
                w.codePoints().forEach(cp -> counts.merge(new String(Character.toChars(cp)), 1, Integer::sum));
            }
        }
        List<String> kept = new ArrayList<>();
        counts.forEach((c, n) -> {
            if (n >= minCount) {
                kept.add(c);
            }
        });
        kept.sort(Comparator.comparingInt((String c) -> -counts.get(c)));
        return Vocabulary.withUnknown(kept);
    }

    /** A model with this data's vocabularies and tag set, the settings' shape and seeded random weights. */
    public TaggerModel newModel(ModelMeta meta, List<TaggedSentence> train) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training sentences");
        }
        io.stepwise.model.TaggerShape shape = settings.shape();
        return new TaggerModel(meta, vocabulary(train, settings.minCount(), shape.lowercase()), tagSet(train),
                shape.hasCharacters() ? characters(train, settings.charMinCount()) : null, shape).initRandom(settings.seed());
    }

    /**
     * {@code model} with the words of {@code sentences} seen at least {@code minCount} times and
     * their tags added to its vocabularies (most frequent words first, new tags sorted), the new
     * rows initialised from {@code seed}; {@code model} itself when nothing is new. This is how a
     * model that keeps learning from a stream comes to know the words the stream brings.
     */
    public TaggerModel grow(TaggerModel model, List<TaggedSentence> sentences, long seed) {
        List<String> newWords = new ArrayList<>();
        for (String w : vocabulary(sentences, settings.minCount(), model.shape().lowercase()).entries()) {
            if (!model.words().contains(w) && !w.equals(Vocabulary.UNKNOWN)) {
                newWords.add(w);
            }
        }
        List<String> newTags = new ArrayList<>();
        for (String t : tagSet(sentences).entries()) {
            if (!model.tags().contains(t)) {
                newTags.add(t);
            }
        }
        if (newWords.isEmpty() && newTags.isEmpty()) {
            return model;
        }
        List<String> words = new ArrayList<>(model.words().entries());
        words.addAll(newWords);
        List<String> tags = new ArrayList<>(model.tags().entries());
        tags.addAll(newTags);
        return model.withVocabularies(new Vocabulary(words, model.words().unknown()), Vocabulary.closed(tags), seed);
    }

    /** Builds a model from the data and trains it; {@code dev} may be empty. */
    public Result train(ModelMeta meta, List<TaggedSentence> train, List<TaggedSentence> dev, TrainingListener listener) {
        return train(newModel(meta, train), train, dev, listener);
    }

    /** Trains {@code model} in place. */
    public Result train(TaggerModel model, List<TaggedSentence> train, List<TaggedSentence> dev, TrainingListener listener) {
        return train(model, train, dev, listener, null);
    }

    /**
     * Trains {@code model} in place for at most the configured epochs and, when {@code budget} is
     * not null, stops after the batch in which the budget ran out (a job that trains between
     * checkpoints must not hold them back for long). Every word must have an index in the model
     * (see {@link #grow}); every tag must be in its tag set.
     */
    public Result train(TaggerModel model, List<TaggedSentence> train, List<TaggedSentence> dev, TrainingListener listener,
                        java.time.Duration budget) {
        int n = train.size();
        int[][] words = new int[n][];
        String[][] surface = new String[n][];
        int[][] tags = new int[n][];
        int[] counts = new int[model.words().size()];
        for (int i = 0; i < n; i++) {
            TaggedSentence s = train.get(i);
            surface[i] = s.words().toArray(String[]::new);
            words[i] = s.words().stream().mapToInt(model::wordIndex).toArray();
            tags[i] = s.tags().stream().mapToInt(t -> model.tags().require(t)).toArray();
            for (int id : words[i]) {
                if (id >= 0) {
                    counts[id]++;
                }
            }
        }
        // the data order and the training noise are seeded apart from the weights, so that one does not shift the other
        SplittableRandom order = new SplittableRandom(settings.seed()).split();
        SplittableRandom noise = new SplittableRandom(settings.seed()).split().split();
        WordDropout wordDropout = new WordDropout(settings.wordDropout(), settings.wordDropoutFloor(), counts,
                model.words().unknown() == null ? -1
                : model.words().indexOf(model.words().unknown()), noise);
        boolean dropout = settings.inputDropout() > 0 || settings.outputDropout() > 0;
        List<Double> accuracies = new ArrayList<>();
        double lr = settings.learningRate();
        TrainingLoop.Plan plan = new TrainingLoop.Plan(settings.epochs(), 0, budget, settings.optimizer().updater(lr),
                settings.finalLearningRate() > 0 ? TrainingLoop.Plan.linear(lr, settings.finalLearningRate())
                        : TrainingLoop.Plan.constant(lr),
                settings.clipNorm());
        TrainingLoop.Outcome outcome;
        // the shares of a batch are fixed, so the model does not depend on the cores that run them
        int threads = Math.min(TaggerGradients.SHARES, Runtime.getRuntime().availableProcessors());
        try (TaggerGradients gradients = new TaggerGradients(model, threads)) {
            outcome = TrainingLoop.run(new TrainingLoop.Task<int[]>() {
                @Override
                public String what() {
                    return "tagger";
                }

                @Override
                public TaggerModel model() {
                    return model;
                }

                @Override
                public TrainingLoop.Epoch<int[]> epoch(int epoch) {
                    return TrainingLoop.Epoch.of(batches(train, settings.batchSize(), order), this);
                }

                @Override
                public double lossAndGradients(int[] batch) {
                    int[][] bw = new int[batch.length][];
                    String[][] bs = new String[batch.length][];
                    int[][] bt = new int[batch.length][];
                    for (int j = 0; j < batch.length; j++) {
                        bw[j] = wordDropout.apply(words[batch[j]]);
                        bs[j] = surface[batch[j]];
                        bt[j] = tags[batch[j]];
                    }
                    // each share's masks from a seed of its own, drawn here in order, whatever thread then uses it
                    Dropout[] masks = null;
                    if (dropout) {
                        masks = new Dropout[TaggerGradients.SHARES];
                        for (int k = 0; k < masks.length; k++) {
                            masks[k] = new Dropout((float) settings.inputDropout(), (float) settings.outputDropout(),
                                    new SplittableRandom(noise.nextLong()));
                        }
                    }
                    return gradients.compute(bw, model.characters() == null ? null : bs, bt, masks);
                }

                @Override
                public int examples(int[] batch) {
                    return batch.length;
                }

                @Override
                public double lossWeight(int[] batch) {
                    int tokens = 0;
                    for (int i : batch) {
                        tokens += words[i].length;
                    }
                    return tokens;
                }

                @Override
                public Map<String, Double> afterEpoch(int epoch, double progress) {
                    if (dev.isEmpty()) {
                        return Map.of();
                    }
                    double acc = TaggerEvaluation.accuracy(model, dev).value();
                    accuracies.add(acc);
                    return Map.of("dev_accuracy", acc);
                }
            }, plan, listener);
        }
        return new Result(model, outcome.epochLosses(), List.copyOf(accuracies));
    }

    /**
     * Word dropout (Kiperwasser and Goldberg 2016): a word seen {@code c} times in training is read as
     * the unknown word with probability {@code max(floor, alpha / (alpha + c))}, so rare words often are, and the
     * unknown word's embedding, with the characters beside it, learns to stand in for words never seen.
     */
    private record WordDropout(double alpha, double floor, int[] counts, int unknown, SplittableRandom rng) {
        int[] apply(int[] ids) {
            if ((alpha == 0 && floor == 0) || unknown < 0) {
                return ids;
            }
            int[] out = ids.clone();
            for (int i = 0; i < out.length; i++) {
                if (out[i] >= 0 && out[i] != unknown && rng.nextDouble() < Math.max(floor, alpha / (alpha + counts[out[i]]))) {
                    out[i] = unknown;
                }
            }
            return out;
        }
    }

    /**
     * One epoch's batches: sentences shuffled, then sorted by length (the shuffle breaks ties, so
     * batches differ between epochs), cut into batches, and the batches shuffled.
     */
    static List<int[]> batches(List<TaggedSentence> sentences, int batchSize, SplittableRandom rng) {
        return batches(sentences.stream().mapToInt(TaggedSentence::length).toArray(), batchSize, rng);
    }

    /** {@link #batches(List, int, SplittableRandom)} for sequences of these lengths. */
    static List<int[]> batches(int[] lengths, int batchSize, SplittableRandom rng) {
        int n = lengths.length;
        List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        shuffle(idx, rng);
        idx.sort(Comparator.comparingInt(i -> lengths[i]));
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            out.add(idx.subList(from, Math.min(n, from + batchSize)).stream().mapToInt(Integer::intValue).toArray());
        }
        shuffle(out, rng);
        return out;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, rng.nextInt(i + 1));
        }
    }
}
