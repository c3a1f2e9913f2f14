package io.stepwise.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered list of words (or tags) and their indices, part of a model. A word vocabulary may
 * reserve an unknown-word entry, so that words never seen in training still have an embedding;
 * a tag set has none.
 */
public final class Vocabulary {

    public static final String UNKNOWN = "<unk>";

    private final List<String> entries;
    private final Map<String, Integer> index;
    private final String unknown;

    public Vocabulary(List<String> entries, String unknown) {
        this.entries = List.copyOf(entries);
        this.index = new HashMap<>();
        for (int i = 0; i < this.entries.size(); i++) {
            if (index.put(this.entries.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate vocabulary entry '" + this.entries.get(i) + "'");
            }
        }
        if (unknown != null && !index.containsKey(unknown)) {
            throw new IllegalArgumentException("unknown-word entry '" + unknown + "' is not in the vocabulary");
        }
        this.unknown = unknown;
    }

    /** A vocabulary whose first entry is {@link #UNKNOWN}, followed by {@code words} in order. */
    public static Vocabulary withUnknown(List<String> words) {
        List<String> all = new ArrayList<>(words.size() + 1);
        all.add(UNKNOWN);
        for (String w : words) {
            if (!w.equals(UNKNOWN)) {
                all.add(w);
            }
        }
        return new Vocabulary(all, UNKNOWN);
    }

    public static Vocabulary closed(List<String> entries) {
        return new Vocabulary(entries, null);
    }

    /**
     * The index of {@code word}; an unseen word gets the unknown-word index, or -1 when this
     * vocabulary reserves none (such a word then embeds as zeros).
     */
    public int indexOf(String word) {
        Integer i = index.get(word);
        if (i != null) {
            return i;
        }
        return unknown == null ? -1 : index.get(unknown);
    }

    public boolean contains(String word) {
        return index.containsKey(word);
    }

    /** The index of a tag that must exist (training labels). */
    public int require(String entry) {
        Integer i = index.get(entry);
        if (i == null) {
            throw new IllegalArgumentException("'" + entry + "' is not one of " + entries);
        }
        return i;
    }

    public String get(int i) {
        return entries.get(i);
    }

    public int size() {
        return entries.size();
    }

    public List<String> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** The unknown-word entry, or null. */
    public String unknown() {
        return unknown;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.entries.equals(entries) && java.util.Objects.equals(v.unknown, unknown);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }
}
