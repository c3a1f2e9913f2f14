package io.stepwise.pipeline;

import io.stepwise.model.Model;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TaggerTrainer;
import io.stepwise.train.TaggerTutorial;
import java.util.List;
import java.util.Map;

/**
 * The models of the rows, with random weights: a step costs the same whatever the weights, and
 * the benchmark then needs no training and no corpus.
 */
public final class BenchModels {

    /** The EWT-size tagger knows this many words, the most frequent of the generated ones; the rest are unknown to it. */
    public static final int EWT_VOCABULARY = 4000;
    /** Words the token streams draw from: a few percent of the tokens fall outside the vocabulary, as in real text. */
    public static final int GENERATED_WORDS = 5000;
    /** The 17 universal part-of-speech tags, the tag set of UD English EWT. */
    static final List<String> UPOS = List.of("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
            "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X");

    private static final long SEED = 1;

    private BenchModels() {
    }

    /** The model row {@code row} serves; the Kafka copy has none. */
    public static Model of(BenchRow row, ElementGenerator.ZipfWords words) {
        return switch (row) {
            case KAFKA_COPY -> throw new IllegalArgumentException("the Kafka copy serves no model");
            // embedding 1, hidden 1: the step costs ~0.1 us, so the row times everything around it
            case NO_OP -> tagger("bench-no-op", words, 1, 1);
            case TUTORIAL -> TaggerTutorial.load().randomModel(meta("bench-tutorial-tagger"), SEED);
            case EWT -> tagger("bench-ewt-tagger", words, 64, 128);
            case SUM -> sum();
            case STREAMING -> streamingTagger(words);
        };
    }

    /**
     * The shape {@code train tagger --conllu} trains by default. Its known words take their
     * character features from the cache made at load; the unknown ones (the generated words past
     * the vocabulary, about 2.5% of the tokens, against 6.8% on EWT dev) run the character LSTM.
     */
    private static TaggerModel streamingTagger(ElementGenerator.ZipfWords words) {
        List<String> characters = words.words().stream().flatMap(w -> w.codePoints().mapToObj(Character::toString))
                .distinct().toList();
        return new TaggerModel(meta("bench-streaming-tagger"), Vocabulary.withUnknown(words.mostFrequent(EWT_VOCABULARY)),
                Vocabulary.closed(UPOS), Vocabulary.withUnknown(characters), TaggerTrainer.streamingRecipe().shape()).initRandom(SEED);
    }

    private static TaggerModel tagger(String name, ElementGenerator.ZipfWords words, int embedding, int hidden) {
        return new TaggerModel(meta(name), Vocabulary.withUnknown(words.mostFrequent(EWT_VOCABULARY)), Vocabulary.closed(UPOS),
                embedding, hidden, 1).initRandom(SEED);
    }

    /** The shape `stepwise train sum` trains by default (hidden 64 and its scales). */
    private static SumModel sum() {
        SumTrainer.Settings d = SumTrainer.Settings.builder().build();
        return new SumModel(meta("bench-sum"), d.hiddenSize(), d.numLayers(), d.inputScale(), d.targetScale()).initRandom(SEED);
    }

    private static ModelMeta meta(String name) {
        return new ModelMeta(name, 1, Map.of("data", "random weights for stepwise bench pipeline"));
    }
}
