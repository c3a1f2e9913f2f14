package io.stepwise.model;

/**
 * The architecture of a tagger, beyond its vocabularies.
 *
 * <p>The tutorial's tagger is {@code Embedding -> LSTM -> Linear}: {@code charHidden} 0 (no
 * character features), {@code delay} 0, words looked up as written. The streaming tagger adds:
 * <ul>
 *   <li>character features: each word's characters read by a bidirectional LSTM
 *       ({@link io.stepwise.nn.CharEncoder}, {@code charDim} wide embeddings, {@code charHidden} per
 *       direction, long words read as their first and last {@code maxChars / 2} characters), its
 *       encoding concatenated with the word embedding;</li>
 *   <li>bounded-delay decoding: besides {@code hidden2tag} on {@code h_t} (the tag at once),
 *       {@code delay} heads, head {@code d} reading {@code [h_t ; h_t+d]}, so that the tag of a word
 *       is final once {@code delay} more words have arrived (or the sequence has ended);</li>
 *   <li>{@code lowercase}: words are looked up in the vocabulary lower-cased (the characters keep
 *       the case), so "The" and "the" share an embedding and fewer words are unknown.</li>
 * </ul>
 */
public record TaggerShape(int embeddingDim, int hiddenSize, int numLayers, int charDim, int charHidden, int maxChars,
                          int delay, boolean lowercase) {

    /** The longest decoding delay: each step of delay costs a head and D hidden states per stream. */
    public static final int MAX_DELAY = 3;

    public TaggerShape {
        if (embeddingDim < 1 || hiddenSize < 1 || numLayers < 1) {
            throw new IllegalArgumentException("embedding_dim, hidden_size and num_layers must be positive");
        }
        if (charHidden < 0 || (charHidden > 0 && (charDim < 1 || maxChars < 2))) {
            throw new IllegalArgumentException("character features need a positive char_dim and hidden size, and max_chars >= 2");
        }
        if (delay < 0 || delay > MAX_DELAY) {
            throw new IllegalArgumentException("the decoding delay must be 0 to " + MAX_DELAY + " tokens, got " + delay);
        }
    }

    /** The tutorial's tagger: words only, tags at once. */
    public static TaggerShape wordsOnly(int embeddingDim, int hiddenSize, int numLayers) {
        return new TaggerShape(embeddingDim, hiddenSize, numLayers, 0, 0, 0, 0, false);
    }

    public boolean hasCharacters() {
        return charHidden > 0;
    }

    /** The width of the word LSTM's input: the word embedding and, with character features, both directions' states. */
    public int inputSize() {
        return embeddingDim + 2 * charHidden;
    }
}
