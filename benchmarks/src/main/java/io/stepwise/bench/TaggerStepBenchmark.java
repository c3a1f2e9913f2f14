package io.stepwise.bench;

import io.stepwise.lstm.LstmState;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import io.stepwise.train.TaggerTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One streaming tagger step per element, as the job runs it for one stream: the word's features
 * (its embedding; with character features, its cached encoding for a known word, the character LSTM
 * for an unknown one), the LSTM step, the tag at once, and for a delayed tagger the final tag of the
 * word D back from the delayed head. {@code words}: today's EWT-size word-only tagger (embedding 64,
 * hidden 128); {@code streaming}: the streaming recipe's shape. Weights are random: the cost does
 * not depend on them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkFlags.VECTOR_API, ForkFlags.NO_POINTER_GC})
@State(Scope.Thread)
public class TaggerStepBenchmark {

    private static final int VOCABULARY = 10_000;
    /**
     * Known words are drawn from the most frequent ones, those whose share of the gates the model's
     * table holds: with lower-cased lookup it has rows for the 8,192 most frequent words, written
     * both ways (the streaming shape, hidden 128). Real text is that skewed: on UD EWT dev 89.6% of
     * the tokens are such written forms, 3.6% are known words beyond them, which take the whole
     * product, and 6.8% are unknown (the {@code unknown} rows).
     */
    private static final int KNOWN_DRAWN = 8_000;
    private static final int WORDS = 1024; // a power of two, so the cycle is a mask

    @Param({"words", "streaming"})
    public String model;

    @Param({"known", "unknown"})
    public String word;

    private TaggerModel tagger;
    private TaggerModel.Stepper stepper;
    private LstmState state;
    private String[] input;
    private float[] recent;
    private float[] logits;
    private float[] pair;
    private int hidden;
    private int delay;
    private int t;

    @Setup
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(1);
        java.util.LinkedHashSet<String> distinct = new java.util.LinkedHashSet<>();
        while (distinct.size() < VOCABULARY) {
            distinct.add(randomWord(rng, 3 + rng.nextInt(8)));
        }
        List<String> vocabulary = new ArrayList<>(distinct);
        TaggerShape shape = model.equals("words") ? TaggerShape.wordsOnly(64, 128, 1) : TaggerTrainer.streamingRecipe().shape();
        Vocabulary chars = null;
        if (shape.hasCharacters()) {
            List<String> letters = new ArrayList<>();
            for (char c = 'a'; c <= 'z'; c++) {
                letters.add(String.valueOf(c));
            }
            chars = Vocabulary.withUnknown(letters);
        }
        tagger = new TaggerModel(new ModelMeta("bench", 1, Map.of()), Vocabulary.withUnknown(vocabulary),
                Vocabulary.closed(List.of("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
                        "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")), chars, shape).initRandom(2);
        input = new String[WORDS];
        for (int i = 0; i < WORDS; i++) {
            // unknown words: fresh strings the vocabulary lacks, so the character LSTM runs for each
            input[i] = word.equals("known") ? vocabulary.get(rng.nextInt(KNOWN_DRAWN)) : randomWord(rng, 12) + "q" + i;
        }
        stepper = tagger.newStepper();
        state = LstmState.zeros(tagger.lstmConfig());
        hidden = tagger.lstmConfig().hiddenSize();
        delay = tagger.delay();
        recent = new float[Math.max(1, delay) * hidden];
        logits = new float[tagger.tags().size()];
        pair = new float[2 * hidden];
        // enough calls for C2 to take the Vector API kernels, which are slow until it does
        for (int i = 0; i < 50_000; i++) {
            step();
        }
    }

    private static String randomWord(SplittableRandom rng, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + rng.nextInt(26)));
        }
        return s.toString();
    }

    @Benchmark
    public int step() {
        Prediction.Tag now = stepper.step(input[t++ & (WORDS - 1)], state);
        if (delay == 0) {
            return now.index();
        }
        int top = state.hOffset(tagger.lstmConfig().numLayers() - 1);
        Prediction.Tag fin = tagger.head(delay, recent, 0, state.values(), top, logits, pair);
        // the oldest waiting state leaves, this word's joins: what the job's waiting list does
        System.arraycopy(recent, hidden, recent, 0, (delay - 1) * hidden);
        System.arraycopy(state.values(), top, recent, (delay - 1) * hidden, hidden);
        return now.index() + fin.index();
    }
}
