package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.model.ModelMeta;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tagger that keeps learning from a stream: vocabularies that grow, training runs that are bounded. */
class TaggerGrowthTest {

    private static final ModelMeta META = new ModelMeta("tagger", 1, Map.of());

    private static TaggerModel small(long seed) {
        return new TaggerModel(META, Vocabulary.withUnknown(List.of("the", "dog", "ate")),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB")), 4, 6, 1).initRandom(seed);
    }

    @Test
    void newWordsGetNewRowsAndKnownSentencesTagExactlyAsBefore() {
        TaggerModel old = small(3);
        TaggerModel grown = old.withVocabularies(Vocabulary.withUnknown(List.of("the", "dog", "ate", "cat", "apple")), old.tags(), 9);

        assertThat(grown.words().size()).isEqualTo(6);
        float[] oldTable = old.embedding().weight().data();
        float[] newTable = grown.embedding().weight().data();
        assertThat(Arrays.copyOf(newTable, oldTable.length)).containsExactly(oldTable);
        assertThat(Arrays.copyOfRange(newTable, oldTable.length, newTable.length)).as("new rows are initialised, not zero")
                .isNotEqualTo(new float[newTable.length - oldTable.length]);
        List<String> sentence = List.of("the", "dog", "ate", "the", "unseen");
        assertThat(grown.tag(sentence)).isEqualTo(old.tag(sentence));
        // the copy shares no weights: training one leaves the other alone (the values are read before
        // the change, since oldTable is the old model's own array)
        Map<String, Float> before = new java.util.HashMap<>();
        old.parameters().asMap().forEach((name, p) -> before.put(name, p.data()[0]));
        grown.parameters().asMap().values().forEach(p -> p.data()[0] += 1);
        old.parameters().asMap().forEach((name, p) -> assertThat(p.data()[0]).as(name).isEqualTo(before.get(name)));
    }

    @Test
    void aStreamingTaggerGrowsWithItsCharacterEncoderAndDelayedHeadsUnchanged() {
        TaggerShape shape = new TaggerShape(4, 6, 1, 3, 5, 10, 2, true);
        TaggerModel old = new TaggerModel(META, Vocabulary.withUnknown(List.of("the", "dog", "ate")),
                Vocabulary.closed(List.of("DET", "NOUN", "VERB")), Vocabulary.withUnknown(List.of("t", "h", "e", "d", "o", "g")), shape)
                .initRandom(3);
        TaggerModel grown = old.withVocabularies(Vocabulary.withUnknown(List.of("the", "dog", "ate", "cat")), old.tags(), 9);

        assertThat(grown.shape()).isEqualTo(shape);
        for (String name : old.parameters().asMap().keySet()) {
            if (!name.startsWith(TaggerModel.EMBEDDING)) {
                assertThat(grown.parameters().get(name).data()).as(name).containsExactly(old.parameters().get(name).data());
            }
        }
        // every head, so the final tags too, of sentences of known (and unknown) words are unchanged
        List<List<String>> sentences = List.of(List.of("the", "dog", "ate", "the", "unseen"), List.of("Dog", "ate"));
        assertThat(grown.finalTags(sentences)).isEqualTo(old.finalTags(sentences));
        assertThat(grown.tag(sentences.get(0))).isEqualTo(old.tag(sentences.get(0)));
    }

    @Test
    void newTagsKeepTheOldOutputRows() {
        TaggerModel old = small(4);
        TaggerModel grown = old.withVocabularies(old.words(), Vocabulary.closed(List.of("DET", "NOUN", "VERB", "ADJ")), 5);

        float[] w = old.hidden2tag().weight().data();
        assertThat(Arrays.copyOf(grown.hidden2tag().weight().data(), w.length)).containsExactly(w);
        assertThat(Arrays.copyOf(grown.hidden2tag().bias().data(), 3)).containsExactly(old.hidden2tag().bias().data());
        assertThat(grown.tags().get(3)).isEqualTo("ADJ");
    }

    @Test
    void aVocabularyThatReordersOldEntriesIsRefused() {
        TaggerModel old = small(1);
        assertThatThrownBy(() -> old.withVocabularies(Vocabulary.withUnknown(List.of("dog", "the", "ate")), old.tags(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must extend");
    }

    @Test
    void growAddsFrequentNewWordsAndUnseenTagsOnly() {
        TaggerTrainer trainer = new TaggerTrainer(TaggerTrainer.Settings.builder().embeddingDim(4).hiddenSize(6).minCount(2).build());
        List<TaggedSentence> data = List.of(
                new TaggedSentence(List.of("the", "cat", "slept"), List.of("DET", "NOUN", "VERB")),
                new TaggedSentence(List.of("a", "cat", "slept", "quietly"), List.of("DET", "NOUN", "VERB", "ADV")));
        TaggerModel old = small(2);

        TaggerModel grown = trainer.grow(old, data, 7);

        assertThat(grown.words().entries()).containsExactly("<unk>", "the", "dog", "ate", "cat", "slept");
        assertThat(grown.tags().entries()).containsExactly("DET", "NOUN", "VERB", "ADV");
        assertThat(trainer.grow(grown, data, 7)).as("nothing new: the same model").isSameAs(grown);
    }

    @Test
    void aTrainingBudgetStopsTheRunEarly() {
        List<TaggedSentence> corpus = TaggerTrainerTest.toyCorpus(40, 2);
        TaggerTrainer trainer = new TaggerTrainer(TaggerTrainer.Settings.builder().embeddingDim(4).hiddenSize(6).batchSize(4)
                .epochs(50).minCount(1).build());
        TaggerModel model = trainer.newModel(META, corpus);
        int[] batches = {0};

        TaggerTrainer.Result r = trainer.train(model, corpus, List.of(), new TrainingListener() {
            @Override
            public void batchDone(Batch batch) {
                batches[0]++;
            }
        }, Duration.ZERO);

        // an exhausted budget ends the run after the batch in which it ran out
        assertThat(batches[0]).isEqualTo(1);
        assertThat(r.epochLosses()).hasSize(1);
    }
}
