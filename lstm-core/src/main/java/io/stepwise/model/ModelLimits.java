package io.stepwise.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;

/**
 * How large a model file may be and how large a model it may describe, checked while a file is read
 * ({@link ModelFile#fromBytes(byte[], String, ModelLimits)}) and before anything is allocated for
 * what its header claims: a file from an untrusted place (a model topic anyone may write to) must
 * not make a reader allocate gigabytes, run out of memory or loop, only be refused.
 *
 * <p>The header is first scanned without being kept (vocabulary sizes, the number of JSON values),
 * then parsed; its architecture, its vocabularies and its tensor index (shapes, offsets, the total
 * parameter count) are checked against these caps and against the data section the file really
 * has; only then is the model built.
 *
 * @param maxFileBytes    the whole file, in bytes (also {@code --max-model-bytes} of the inference job)
 * @param maxHeaderBytes  the JSON header, in bytes
 * @param maxVocabulary   entries of a tagger's word vocabulary
 * @param maxTags         entries of a tagger's tag set
 * @param maxHiddenSize   the LSTM's hidden size
 * @param maxLayers       the LSTM's layers
 * @param maxEmbeddingDim the embedding dimension (a tagger's), and so the LSTM's input size
 * @param maxParameters   float parameters in all: in the tensor index, and what the architecture needs
 */
public record ModelLimits(long maxFileBytes, int maxHeaderBytes, int maxVocabulary, int maxTags, int maxHiddenSize,
                          int maxLayers, int maxEmbeddingDim, long maxParameters) implements Serializable {

    /** JSON values a header may hold besides its vocabularies' entries: architecture, tensor index, provenance. */
    static final int MAX_OTHER_HEADER_VALUES = 100_000;

    /**
     * Generous for the models here (the EWT tagger is about 2 MB, a vocabulary of 20,000 words, 17
     * tags, hidden size 64), far below what would hurt a TaskManager: 256 MiB per file, 64 Mi
     * parameters, a million words.
     */
    public static final ModelLimits DEFAULTS = new ModelLimits(256L << 20, 64 << 20, 1_000_000, 65_536, 4096, 16, 4096,
            64L << 20);

    /** No cap beyond what a Java array allows; the structural checks (data section, finite weights) stay. */
    public static final ModelLimits NONE = new ModelLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public ModelLimits {
        if (maxFileBytes < 1 || maxHeaderBytes < 1 || maxVocabulary < 1 || maxTags < 1 || maxHiddenSize < 1 || maxLayers < 1
                || maxEmbeddingDim < 1 || maxParameters < 1) {
            throw new IllegalArgumentException("model limits must be positive");
        }
    }

    /**
     * These limits with files up to {@code bytes}; the parameter cap follows (4 bytes a parameter),
     * since a file cannot hold more parameters than that anyway.
     */
    public ModelLimits withMaxFileBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the model file size limit must be positive, got " + bytes);
        }
        return new ModelLimits(bytes, maxHeaderBytes, maxVocabulary, maxTags, maxHiddenSize, maxLayers, maxEmbeddingDim,
                Math.max(1, bytes / 4));
    }

    /** These limits, to change some. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link ModelLimits}, starting from {@link #DEFAULTS}. */
    public static final class Builder {
        private long maxFileBytes;
        private int maxHeaderBytes;
        private int maxVocabulary;
        private int maxTags;
        private int maxHiddenSize;
        private int maxLayers;
        private int maxEmbeddingDim;
        private long maxParameters;

        public Builder() {
            this(DEFAULTS);
        }

        Builder(ModelLimits l) {
            maxFileBytes = l.maxFileBytes;
            maxHeaderBytes = l.maxHeaderBytes;
            maxVocabulary = l.maxVocabulary;
            maxTags = l.maxTags;
            maxHiddenSize = l.maxHiddenSize;
            maxLayers = l.maxLayers;
            maxEmbeddingDim = l.maxEmbeddingDim;
            maxParameters = l.maxParameters;
        }

        public Builder maxFileBytes(long v) {
            maxFileBytes = v;
            return this;
        }

        public Builder maxHeaderBytes(int v) {
            maxHeaderBytes = v;
            return this;
        }

        public Builder maxVocabulary(int v) {
            maxVocabulary = v;
            return this;
        }

        public Builder maxTags(int v) {
            maxTags = v;
            return this;
        }

        public Builder maxHiddenSize(int v) {
            maxHiddenSize = v;
            return this;
        }

        public Builder maxLayers(int v) {
            maxLayers = v;
            return this;
        }

        public Builder maxEmbeddingDim(int v) {
            maxEmbeddingDim = v;
            return this;
        }

        public Builder maxParameters(long v) {
            maxParameters = v;
            return this;
        }

        public ModelLimits build() {
            return new ModelLimits(maxFileBytes, maxHeaderBytes, maxVocabulary, maxTags, maxHiddenSize, maxLayers, maxEmbeddingDim,
                    maxParameters);
        }
    }

    // ---- the checks, in the order the reader makes them ---------------------------------------

    /** The file's size: the first thing known, before its checksum is even computed. */
    String fileRefusal(long bytes) {
        return bytes > maxFileBytes ? "the file has " + bytes + " bytes, more than the limit of " + maxFileBytes : null;
    }

    String headerLengthRefusal(long headerBytes) {
        return headerBytes > maxHeaderBytes ? "the header has " + headerBytes + " bytes, more than the limit of " + maxHeaderBytes : null;
    }

    /**
     * Scans the header's JSON without keeping it: the entries of {@code vocabularies.words} and
     * {@code vocabularies.tags} and the number of other values, each refused as soon as it passes
     * its cap, so a header claiming ten million words costs a scan, not ten million strings.
     */
    String scanRefusal(ObjectMapper json, byte[] bytes, int offset, int length) {
        Scan scan = new Scan();
        try (JsonParser p = json.getFactory().createParser(bytes, offset, length)) {
            if (p.nextToken() == null) {
                return null; // empty: the parse that follows says so
            }
            return scan.value(p, "");
        } catch (IOException | RuntimeException e) {
            return null; // malformed JSON: the parse that follows names the error
        }
    }

    private final class Scan {
        long words;
        long tags;
        long other;

        /** Counts the value the parser is at (and what it holds); a refusal, or null. */
        String value(JsonParser p, String path) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.START_OBJECT) {
                other++;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    String r = value(p, path + "/" + field);
                    if (r != null) {
                        return r;
                    }
                }
            } else if (t == JsonToken.START_ARRAY) {
                boolean isWords = path.equals("/vocabularies/words");
                boolean isTags = path.equals("/vocabularies/tags");
                if (!isWords && !isTags) {
                    other++;
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (isWords || isTags) {
                        p.skipChildren();
                        if (isWords && ++words > maxVocabulary) {
                            return "the vocabulary has more than " + maxVocabulary + " words, the limit";
                        }
                        if (isTags && ++tags > maxTags) {
                            return "the tag set has more than " + maxTags + " tags, the limit";
                        }
                    } else {
                        String r = value(p, path + "/[]");
                        if (r != null) {
                            return r;
                        }
                    }
                }
            } else {
                other++;
            }
            if (other > MAX_OTHER_HEADER_VALUES) {
                return "the header holds more than " + MAX_OTHER_HEADER_VALUES
                        + " JSON values besides its vocabularies (an oversized provenance or tensor index)";
            }
            return null;
        }
    }

    /**
     * The parsed header's sizes against the caps, and the parameters its architecture needs against
     * the cap and against the {@code dataBytes} of the data section, which must hold them all. Sizes
     * that are missing or not numbers are left to the model's own reading, which names them.
     */
    String architectureRefusal(JsonNode header, long dataBytes) {
        JsonNode arch = header.path("architecture");
        long hidden = size(arch, "hidden_size");
        long layers = size(arch, "num_layers");
        long embedding = size(arch, "embedding_dim");
        long input = size(arch, "input_size");
        String r = cap("hidden_size", hidden, maxHiddenSize);
        r = r != null ? r : cap("num_layers", layers, maxLayers);
        r = r != null ? r : cap("embedding_dim", embedding, maxEmbeddingDim);
        r = r != null ? r : cap("input_size", input, maxEmbeddingDim);
        if (r != null) {
            return r;
        }
        long words = header.path("vocabularies").path("words").size();
        long tags = header.path("vocabularies").path("tags").size();
        if (words > maxVocabulary) {
            return "the vocabulary has " + words + " words, more than the limit of " + maxVocabulary;
        }
        if (tags > maxTags) {
            return "the tag set has " + tags + " tags, more than the limit of " + maxTags;
        }
        if (hidden < 1 || layers < 1) {
            return null;
        }
        String kind = header.path("kind").asText("");
        long in = input >= 1 ? input : embedding >= 1 ? embedding : 1;
        // nn.LSTM: weight_ih [4H, in], weight_hh [4H, H], two biases [4H] per layer
        long params = add(mul(4 * hidden, in + hidden + 2), mul(layers - 1, mul(4 * hidden, 2 * hidden + 2)));
        if (kind.equals("tagger")) {
            params = add(params, add(mul(words, Math.max(embedding, 1)), mul(tags, hidden + 1)));
            JsonNode chars = arch.path("characters");
            if (chars.isObject()) {
                long charDim = Math.max(0, size(chars, "char_dim"));
                long charHidden = Math.max(0, size(chars, "hidden_size"));
                long alphabet = header.path("vocabularies").path("characters").size();
                r = cap("characters.char_dim", charDim, maxEmbeddingDim);
                r = r != null ? r : cap("characters.hidden_size", charHidden, maxHiddenSize);
                if (r != null) {
                    return r;
                }
                if (alphabet > maxVocabulary) {
                    return "the character vocabulary has " + alphabet + " characters, more than the limit of " + maxVocabulary;
                }
                // char_embeddings [C, char_dim], then a forward and a reverse nn.LSTM(char_dim, charHidden)
                params = add(params, add(mul(alphabet, charDim), mul(2, mul(4 * charHidden, charDim + charHidden + 2))));
            }
            long delay = Math.max(0, arch.path("delay").asLong(0));
            // delayed2tag.0 .. D-1: Linear(2H, tags)
            params = add(params, mul(Math.min(delay, 1L << 20), mul(tags, 2 * hidden + 1)));
        } else if (kind.equals("sum")) {
            params = add(params, hidden + 1);
        }
        if (params > maxParameters) {
            return "the architecture needs " + params + " parameters, more than the limit of " + maxParameters;
        }
        if (mul(4, params) > dataBytes) {
            return "the architecture needs " + params + " parameters (" + mul(4, params) + " bytes), but the data section holds only "
                    + dataBytes + " bytes: the file is truncated or its header is wrong";
        }
        return null;
    }

    /**
     * The tensor index against the data section: every shape made of sizes a Java array can have,
     * every tensor inside the data, and the parameters in all within the cap. Checked before any
     * tensor is read.
     */
    String tensorIndexRefusal(JsonNode index, long dataBytes) {
        if (!index.isArray()) {
            return null; // the reader says there is no index
        }
        long total = 0;
        for (JsonNode t : index) {
            String name = t.path("name").asText("?");
            JsonNode shape = t.path("shape");
            long count = 1;
            if (!shape.isArray()) {
                return "tensor " + name + " has no shape";
            }
            for (JsonNode d : shape) {
                if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                    return "tensor " + name + " has shape " + shape + ", whose sizes are not all integers from 0 to " + Integer.MAX_VALUE;
                }
                count = mul(count, d.intValue());
                if (count > maxParameters) {
                    return "tensor " + name + " has shape " + shape + ", more than the limit of " + maxParameters + " parameters";
                }
            }
            total = add(total, count);
            if (total > maxParameters) {
                return "the tensor index lists more than " + maxParameters + " parameters, the limit";
            }
            JsonNode offsetNode = t.path("offset");
            long offset = offsetNode.isIntegralNumber() && offsetNode.canConvertToLong() ? offsetNode.longValue() : -1;
            long size = mul(4, count);
            if (offset < 0 || offset > dataBytes || size > dataBytes - offset) {
                return "tensor " + name + " at offset " + offsetNode + " (" + size + " bytes) lies outside the data section ("
                        + dataBytes + " bytes)";
            }
        }
        return null;
    }

    /** {@code a * b}, or Long.MAX_VALUE where it would overflow: sizes under {@link #NONE} can be that large. */
    private static long mul(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A positive size in {@code arch}, or -1 when the field is missing or not a usable integer. */
    private static long size(JsonNode arch, String field) {
        JsonNode v = arch.path(field);
        return v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : -1;
    }

    private static String cap(String field, long value, int max) {
        return value > max ? "architecture." + field + " is " + value + ", more than the limit of " + max : null;
    }
}
