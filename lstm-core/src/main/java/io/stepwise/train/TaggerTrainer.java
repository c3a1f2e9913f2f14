package io.stepwise.train;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.tensor.Gemm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Trains the tutorial's tagger on tagged sentences in mini-batches: sentences of similar length
 * share a batch (so that little of it is padding), batches come in a seeded random order, and the
 * loss is the mean negative log-likelihood over the batch's real words. The same seed gives the
 * same weights, bit for bit.
 */
public final class TaggerTrainer {

    /**
     * Settings of a tagger training run.
     *
     * @param embeddingDim  size of a word embedding (default 64)
     * @param hiddenSize    LSTM hidden size (default 128)
     * @param numLayers     stacked LSTM layers (default 1)
     * @param batchSize     sentences per optimizer step (default 32)
     * @param epochs        passes over the training sentences (default 10)
     * @param learningRate  the optimizer's learning rate (default 0.002, for Adam)
     * @param optimizer     ADAM (default) or SGD, both ND4J updaters
     * @param minCount      words seen fewer times map to {@code <unk>}, so its embedding is trained (default 2)
     * @param seed          seeds the initial weights and the batch order (default 1)
     * @param clipNorm      largest global gradient norm, 0 for no clipping (default 5)
     */
    public record Options(int embeddingDim, int hiddenSize, int numLayers, int batchSize, int epochs,
                          double learningRate, OptimizerKind optimizer, int minCount, long seed, double clipNorm) {

        public Options {
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
        }

        public static Options defaults() {
            return new Options(64, 128, 1, 32, 10, 0.002, OptimizerKind.ADAM, 2, 1, 5.0);
        }

        public Options withEpochs(int n) {
            return new Options(embeddingDim, hiddenSize, numLayers, batchSize, n, learningRate, optimizer, minCount, seed, clipNorm);
        }

        public Options withSeed(long s) {
            return new Options(embeddingDim, hiddenSize, numLayers, batchSize, epochs, learningRate, optimizer, minCount, s, clipNorm);
        }

        public Options withSizes(int embedding, int hidden, int layers) {
            return new Options(embedding, hidden, layers, batchSize, epochs, learningRate, optimizer, minCount, seed, clipNorm);
        }

        public Options withBatchSize(int n) {
            return new Options(embeddingDim, hiddenSize, numLayers, n, epochs, learningRate, optimizer, minCount, seed, clipNorm);
        }

        public Options withLearningRate(double lr, OptimizerKind kind) {
            return new Options(embeddingDim, hiddenSize, numLayers, batchSize, epochs, lr, kind, minCount, seed, clipNorm);
        }

        public Options withMinCount(int n) {
            return new Options(embeddingDim, hiddenSize, numLayers, batchSize, epochs, learningRate, optimizer, n, seed, clipNorm);
        }

        public Options withClipNorm(double c) {
            return new Options(embeddingDim, hiddenSize, numLayers, batchSize, epochs, learningRate, optimizer, minCount, seed, c);
        }

        /** The settings as provenance entries of the trained model. */
        public Map<String, Object> provenance() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("embedding_dim", embeddingDim);
            m.put("hidden_size", hiddenSize);
            m.put("num_layers", numLayers);
            m.put("batch_size", batchSize);
            m.put("epochs", epochs);
            m.put("optimizer", optimizer.name().toLowerCase(java.util.Locale.ROOT));
            m.put("learning_rate", learningRate);
            m.put("min_count", minCount);
            m.put("seed", seed);
            m.put("clip_norm", clipNorm);
            return m;
        }

        private static void positive(String what, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + v);
            }
        }
    }

    /** What a run produced: the mean training loss and, with a dev set, the dev accuracy of every epoch. */
    public record Result(TaggerModel model, List<Double> epochLosses, List<Double> devAccuracy) {
    }

    private final Options options;

    public TaggerTrainer(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /**
     * The word vocabulary: {@code <unk>} at index 0, then every word seen at least {@code minCount}
     * times, most frequent first (ties in order of first appearance).
     */
    public static Vocabulary vocabulary(List<TaggedSentence> sentences, int minCount) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TaggedSentence s : sentences) {
            for (String w : s.words()) {
                counts.merge(w, 1, Integer::sum);
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

    /** A model with this data's vocabulary and tag set and seeded random weights. */
    public TaggerModel newModel(ModelMeta meta, List<TaggedSentence> train) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training sentences");
        }
        return new TaggerModel(meta, vocabulary(train, options.minCount()), tagSet(train),
                options.embeddingDim(), options.hiddenSize(), options.numLayers()).initRandom(options.seed());
    }

    /**
     * {@code model} with the words of {@code sentences} seen at least {@code minCount} times and
     * their tags added to its vocabularies (most frequent words first, new tags sorted), the new
     * rows initialised from {@code seed}; {@code model} itself when nothing is new. This is how a
     * model that keeps learning from a stream comes to know the words the stream brings.
     */
    public TaggerModel grow(TaggerModel model, List<TaggedSentence> sentences, long seed) {
        List<String> newWords = new ArrayList<>();
        for (String w : vocabulary(sentences, options.minCount()).entries()) {
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
        int[][] tags = new int[n][];
        long tokensPerEpoch = 0;
        for (int i = 0; i < n; i++) {
            TaggedSentence s = train.get(i);
            words[i] = s.words().stream().mapToInt(model::wordIndex).toArray();
            tags[i] = s.tags().stream().mapToInt(t -> model.tags().require(t)).toArray();
            tokensPerEpoch += s.length();
        }
        // the data order is seeded apart from the weights, so that one does not shift the other
        SplittableRandom order = new SplittableRandom(options.seed()).split();
        List<Double> losses = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        int epochs = options.epochs();
        listener.trainingStarted("tagger", epochs);
        long start = System.nanoTime();
        long deadline = budget == null ? 0 : start + budget.toNanos();
        boolean outOfTime = false;
        long step = 0;
        long tokensSeen = 0;
        try (Optimizer opt = new Optimizer(model.parameters(), options.optimizer().updater(options.learningRate()));
             Gemm gemm = new Gemm()) {
            for (int epoch = 0; epoch < epochs && !outOfTime; epoch++) {
                listener.epochStarted(epoch);
                List<int[]> batches = batches(train, options.batchSize(), order);
                double lossSum = 0;
                long epochTokens = 0;
                for (int[] batch : batches) {
                    int[][] bw = new int[batch.length][];
                    int[][] bt = new int[batch.length][];
                    int batchTokens = 0;
                    for (int j = 0; j < batch.length; j++) {
                        bw[j] = words[batch[j]];
                        bt[j] = tags[batch[j]];
                        batchTokens += bw[j].length;
                    }
                    model.parameters().zeroGrad();
                    double loss = model.backward(model.forward(bw, gemm), bt, gemm);
                    if (options.clipNorm() > 0) {
                        model.parameters().clipGradNorm(options.clipNorm());
                    }
                    opt.step(epoch);
                    step++;
                    tokensSeen += batchTokens;
                    epochTokens += batchTokens;
                    lossSum += loss * batchTokens;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double progress = (epoch + (double) epochTokens / tokensPerEpoch) / epochs;
                    listener.batchDone(new TrainingListener.Batch(epoch, step, loss, batch.length,
                            seconds > 0 ? tokensToSentences(tokensSeen, tokensPerEpoch, n) / seconds : 0, progress));
                    if (budget != null && System.nanoTime() - deadline >= 0) {
                        outOfTime = true;
                        break;
                    }
                }
                model.weightsChanged();
                double meanLoss = lossSum / Math.max(1, epochTokens);
                losses.add(meanLoss);
                Map<String, Double> metrics = new HashMap<>();
                if (!dev.isEmpty()) {
                    double acc = TaggerEvaluation.accuracy(model, dev).value();
                    accuracies.add(acc);
                    metrics.put("dev_accuracy", acc);
                }
                listener.epochDone(new TrainingListener.Epoch(epoch, meanLoss, metrics, (epoch + 1.0) / epochs));
            }
        } finally {
            model.weightsChanged();
        }
        listener.trainingDone();
        return new Result(model, List.copyOf(losses), List.copyOf(accuracies));
    }

    private static double tokensToSentences(long tokens, long tokensPerEpoch, int sentencesPerEpoch) {
        return (double) tokens * sentencesPerEpoch / tokensPerEpoch;
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
