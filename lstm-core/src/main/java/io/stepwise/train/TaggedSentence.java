package io.stepwise.train;

import java.util.List;

/** One sentence of tagger training data: its words and, position by position, their tags. */
public record TaggedSentence(List<String> words, List<String> tags) {

    public TaggedSentence {
        words = List.copyOf(words);
        tags = List.copyOf(tags);
        if (words.size() != tags.size()) {
            throw new IllegalArgumentException("a sentence of " + words.size() + " words has " + tags.size() + " tags");
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("a sentence needs at least one word");
        }
    }

    public int length() {
        return words.size();
    }
}
