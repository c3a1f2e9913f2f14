package io.stepwise.torch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.model.Model;
import io.stepwise.model.ModelKind;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import io.stepwise.nn.CharEncoder;
import io.stepwise.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Moves a model between PyTorch and Stepwise: the weights as a {@code state_dict} saved with
 * {@code numpy.savez}, and what a {@code state_dict} does not hold (vocabularies, tag set,
 * scaling) as a small JSON config beside it.
 *
 * <p>Tagger config: {@code {"words": [...] | "word_to_ix": {...}, "tags": [...] | "tag_to_ix": {...},
 * "unknown": "<unk>" | null, "embedding_dim"?, "hidden_size"?, "num_layers"?}}; a streaming tagger's
 * adds {@code "lowercase"?: false, "delay"?} and, with a character encoder ({@code char_embeddings},
 * {@code char_lstm} with {@code _reverse}), {@code "characters": [...], "unknown_character"?: "<unk>",
 * "max_chars", "char_dim"?, "char_hidden"?}. Sum config:
 * {@code {"input_scale": 1.0, "target_scale": 1.0, "hidden_size"?, "num_layers"?}}. Sizes left out
 * are read off the tensor shapes; sizes given must agree with them.
 */
public final class TorchInterchange {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TorchInterchange() {
    }

    /** Builds a model of {@code kind} from a {@code numpy.savez}'d state dict and its config. */
    public static Model importStateDict(Path npz, ModelKind kind, Path configJson, ModelMeta meta) throws IOException {
        Map<String, Tensor> weights = Npz.read(npz);
        JsonNode config;
        try {
            config = JSON.readTree(configJson.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(configJson.getFileName() + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(configJson.getFileName() + ": expected a JSON object");
        }
        Importer im = new Importer(npz.getFileName().toString(), configJson.getFileName().toString(), weights, config);
        return kind == ModelKind.TAGGER ? im.tagger(meta) : im.sum(meta);
    }

    /** Writes the model's weights under their {@code state_dict} names, as {@code numpy.savez} would. */
    public static void exportStateDict(Model model, Path npz) throws IOException {
        Npz.write(model.parameters().stateDict(), npz);
    }

    /** Writes the config that {@link #importStateDict} needs to rebuild {@code model} from its exported weights. */
    public static void writeConfig(Model model, Path configJson) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        if (model instanceof TaggerModel t) {
            t.words().entries().forEach(c.putArray("words")::add);
            c.put("unknown", t.words().unknown());
            // the streaming tagger's parts only where present, so a words-only tagger's config stays as it was
            if (t.shape().lowercase()) {
                c.put("lowercase", true);
            }
            t.tags().entries().forEach(c.putArray("tags")::add);
            CharEncoder chars = t.characters();
            if (chars != null) {
                chars.characters().entries().forEach(c.putArray("characters")::add);
                c.put("unknown_character", chars.characters().unknown());
            }
            c.put("embedding_dim", t.embeddingDim());
            if (chars != null) {
                c.put("char_dim", chars.charDim());
                c.put("char_hidden", chars.hiddenSize());
                c.put("max_chars", chars.maxChars());
            }
        } else if (model instanceof SumModel s) {
            // widened to double, a float prints its exact value and reads back bit for bit
            c.put("input_scale", (double) s.inputScale());
            c.put("target_scale", (double) s.targetScale());
        }
        c.put("hidden_size", model.lstmConfig().hiddenSize());
        c.put("num_layers", model.lstmConfig().numLayers());
        if (model instanceof TaggerModel t && t.delay() > 0) {
            c.put("delay", t.delay());
        }
        JSON.writeValue(configJson.toFile(), c);
    }

    /** Where export puts the config by default: {@code WEIGHTS.npz} gets {@code WEIGHTS.config.json}. */
    public static Path defaultConfigPath(Path npz) {
        String name = npz.getFileName().toString();
        String stem = name.endsWith(".npz") ? name.substring(0, name.length() - 4) : name;
        return npz.resolveSibling(stem + ".config.json");
    }

    private static final class Importer {
        private final String npzName;
        private final String configName;
        private final Map<String, Tensor> weights;
        private final JsonNode config;

        Importer(String npzName, String configName, Map<String, Tensor> weights, JsonNode config) {
            this.npzName = npzName;
            this.configName = configName;
            this.weights = weights;
            this.config = config;
        }

        TaggerModel tagger(ModelMeta meta) {
            if (!weights.containsKey(TaggerModel.EMBEDDING + "weight") && weights.containsKey(SumModel.OUTPUT + "weight")) {
                throw error("holds a sum model's state_dict (" + SumModel.OUTPUT + "weight, no " + TaggerModel.EMBEDDING
                        + "weight); import it as a sum model");
            }
            List<String> words = entries("words", "word_to_ix");
            List<String> tags = entries("tags", "tag_to_ix");
            String unknown = unknownEntry(words);
            Tensor emb = require(TaggerModel.EMBEDDING + "weight", 2);
            int embeddingDim = agree("embedding_dim", emb.dim(1), TaggerModel.EMBEDDING + "weight", emb);
            if (emb.dim(0) != words.size()) {
                throw new IllegalArgumentException(configName + " lists " + words.size() + " words, but " + npzName + "'s " + TaggerModel.EMBEDDING + "weight has "
                        + emb.dim(0) + " rows " + emb.shapeString());
            }
            Characters chars = characters();
            int delay = delay();
            boolean lowercase = flag("lowercase");
            LstmConfig lstm = lstm(TaggerModel.LSTM, embeddingDim + (chars == null ? 0 : 2 * chars.hidden));
            Tensor out = require(TaggerModel.OUTPUT + "weight", 2);
            if (out.dim(0) != tags.size()) {
                throw new IllegalArgumentException(configName + " lists " + tags.size() + " tags, but " + npzName + "'s " + TaggerModel.OUTPUT + "weight has "
                        + out.dim(0) + " rows " + out.shapeString());
            }
            TaggerModel model;
            try {
                TaggerShape shape = new TaggerShape(embeddingDim, lstm.hiddenSize(), lstm.numLayers(), chars == null ? 0 : chars.dim,
                        chars == null ? 0 : chars.hidden, chars == null ? 0 : chars.maxChars, delay, lowercase);
                model = new TaggerModel(meta, new Vocabulary(words, unknown), Vocabulary.closed(tags),
                        chars == null ? null : chars.vocabulary, shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(configName + ": " + e.getMessage(), e);
            }
            load(model);
            model.weightsChanged();
            return model;
        }

        /** The character encoder's vocabulary and sizes, or null when neither the tensors nor the config have one. */
        private record Characters(Vocabulary vocabulary, int dim, int hidden, int maxChars) {
        }

        private Characters characters() {
            String table = CharEncoder.EMBEDDING + "weight";
            boolean inTensors = weights.containsKey(table);
            if (!inTensors) {
                for (String k : weights.keySet()) {
                    if (k.startsWith(CharEncoder.LSTM)) {
                        throw error("holds " + k + " but no " + table + "; a character encoder has both");
                    }
                }
            }
            if (!inTensors && !config.has("characters")) {
                for (String f : List.of("unknown_character", "char_dim", "char_hidden", "max_chars")) {
                    if (config.has(f) && !config.get(f).isNull()) {
                        throw new IllegalArgumentException(configName + " gives " + f + ", but " + npzName
                                + " has no character encoder (" + table + ")");
                    }
                }
                return null;
            }
            if (!inTensors) {
                throw new IllegalArgumentException(configName + " lists characters, but " + npzName + " has no " + table);
            }
            if (!config.has("characters")) {
                throw new IllegalArgumentException(npzName + " has a character encoder (" + table + "), so " + configName
                        + " needs 'characters' (a list, one entry per row)");
            }
            List<String> characters = entries("characters", null);
            String unknownCharacter = unknownCharacter(characters);
            Tensor emb = require(table, 2);
            int dim = agree("char_dim", emb.dim(1), table, emb);
            if (emb.dim(0) != characters.size()) {
                throw new IllegalArgumentException(configName + " lists " + characters.size() + " characters, but " + npzName + "'s "
                        + table + " has " + emb.dim(0) + " rows " + emb.shapeString());
            }
            for (String k : weights.keySet()) {
                if (k.startsWith(CharEncoder.LSTM + "weight_hr_l")) {
                    throw error(k + " belongs to an LSTM with proj_size; Stepwise's character LSTM has no projections");
                }
                if (k.startsWith(CharEncoder.LSTM) && !k.endsWith("_l0") && !k.endsWith("_l0" + CharEncoder.REVERSE)) {
                    throw error(k + " belongs to a character LSTM of more than one layer; Stepwise's has one");
                }
            }
            String whh = CharEncoder.LSTM + LstmConfig.weightHh(0);
            if (!weights.containsKey(whh + CharEncoder.REVERSE)) {
                throw error("no tensor " + whh + CharEncoder.REVERSE + "; the character LSTM is bidirectional "
                        + "(nn.LSTM(char_dim, char_hidden, bidirectional=True))");
            }
            Tensor hh = require(whh, 2);
            int hidden = agree("char_hidden", hh.dim(1), whh, hh);
            Tensor ih = require(CharEncoder.LSTM + LstmConfig.weightIh(0), 2);
            if (ih.dim(1) != dim) {
                throw error(CharEncoder.LSTM + LstmConfig.weightIh(0) + " has shape " + ih.shapeString()
                        + ": the character LSTM takes input_size " + ih.dim(1) + ", but its input is " + dim
                        + " wide (the char_dim)");
            }
            JsonNode max = config.get("max_chars");
            if (max == null || max.isNull()) {
                throw new IllegalArgumentException(configName + " needs max_chars (a longer word is read as its first and last "
                        + "max_chars / 2 characters); the tensors do not say it");
            }
            if (!max.isIntegralNumber()) {
                throw new IllegalArgumentException(configName + ": max_chars must be an integer, got " + max);
            }
            try {
                return new Characters(new Vocabulary(characters, unknownCharacter), dim, hidden, max.asInt());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(configName + ": characters: " + e.getMessage(), e);
            }
        }

        /** The decoding delay: how many {@code delayed2tag.N} heads the tensors have, checked against the config. */
        private int delay() {
            int heads = 0;
            while (weights.containsKey(TaggerModel.DELAYED + heads + ".weight")) {
                heads++;
            }
            for (String k : weights.keySet()) {
                if (k.startsWith(TaggerModel.DELAYED)) {
                    String rest = k.substring(TaggerModel.DELAYED.length());
                    int dot = rest.indexOf('.');
                    if (dot < 0 || !rest.substring(0, dot).matches("\\d+") || Integer.parseInt(rest.substring(0, dot)) >= heads) {
                        throw error("holds " + k + ", but the delayed heads are " + TaggerModel.DELAYED + "0 .. "
                                + TaggerModel.DELAYED + (heads - 1) + " without a gap");
                    }
                }
            }
            return agree("delay", heads, TaggerModel.DELAYED + "*.weight", null);
        }

        private boolean flag(String field) {
            JsonNode v = config.get(field);
            if (v == null || v.isNull()) {
                return false;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(configName + ": " + field + " must be true or false, got " + v);
            }
            return v.asBoolean();
        }

        /** The unknown-character entry: as the config says, or {@code <unk>} when the characters have it; a character encoder needs one. */
        private String unknownCharacter(List<String> characters) {
            JsonNode u = config.get("unknown_character");
            if (u == null || u.isNull()) {
                if (characters.contains(Vocabulary.UNKNOWN)) {
                    return Vocabulary.UNKNOWN;
                }
                throw new IllegalArgumentException(configName + ": the characters need an unknown entry: give unknown_character "
                        + "(one of the characters) or list " + Vocabulary.UNKNOWN);
            }
            if (!u.isTextual() || !characters.contains(u.asText())) {
                throw new IllegalArgumentException(configName + ": unknown_character " + u + " is not one of the characters");
            }
            return u.asText();
        }

        SumModel sum(ModelMeta meta) {
            if (weights.containsKey(TaggerModel.EMBEDDING + "weight")) {
                throw error("holds a tagger's state_dict (" + TaggerModel.EMBEDDING + "weight); import it as a tagger");
            }
            float inputScale = scale("input_scale");
            float targetScale = scale("target_scale");
            LstmConfig lstm = lstm(SumModel.LSTM, 1);
            SumModel model = new SumModel(meta, lstm.hiddenSize(), lstm.numLayers(), inputScale, targetScale);
            load(model);
            model.weightsChanged();
            return model;
        }

        /** The LSTM's sizes, read off {@code weight_hh_l*} and checked against the config and the input width. */
        private LstmConfig lstm(String prefix, int inputSize) {
            for (String k : weights.keySet()) {
                if (k.startsWith(prefix) && k.endsWith("_reverse")) {
                    throw error(k + " belongs to a bidirectional LSTM; Stepwise runs unidirectional LSTMs only");
                }
                if (k.startsWith(prefix + "weight_hr_l")) {
                    throw error(k + " belongs to an LSTM with proj_size; Stepwise runs LSTMs without projections only");
                }
            }
            Tensor whh = require(prefix + LstmConfig.weightHh(0), 2);
            int hidden = agree("hidden_size", whh.dim(1), prefix + LstmConfig.weightHh(0), whh);
            int layers = 0;
            while (weights.containsKey(prefix + LstmConfig.weightHh(layers))) {
                layers++;
            }
            layers = agree("num_layers", layers, prefix + "weight_hh_l*", null);
            if (!weights.containsKey(prefix + LstmConfig.biasIh(0))) {
                throw error("no tensor " + prefix + LstmConfig.biasIh(0) + "; Stepwise runs LSTMs with biases (PyTorch's default bias=True)");
            }
            Tensor wih = require(prefix + LstmConfig.weightIh(0), 2);
            if (wih.dim(1) != inputSize) {
                throw error(prefix + LstmConfig.weightIh(0) + " has shape " + wih.shapeString() + ": the LSTM takes input_size "
                        + wih.dim(1) + ", but its input is " + inputSize + " wide"
                        + (prefix.equals(SumModel.LSTM) ? " (a sum model feeds one number per step)"
                        : weights.containsKey(CharEncoder.EMBEDDING + "weight") ? " (the embedding_dim + 2 x char_hidden)"
                        : " (the embedding_dim)"));
            }
            return new LstmConfig(inputSize, hidden, layers);
        }

        /** Copies every tensor in; a missing, extra or misshaped tensor is refused before anything is copied. */
        private void load(Model model) {
            for (Map.Entry<String, io.stepwise.tensor.ParameterSet.Parameter> p : model.parameters().asMap().entrySet()) {
                Tensor t = weights.get(p.getKey());
                if (t == null) {
                    throw error("no tensor " + p.getKey() + "; a " + model.kind().id() + " state_dict has "
                            + model.parameters().asMap().keySet());
                }
                if (!Arrays.equals(t.shape(), p.getValue().value().shape())) {
                    throw error("tensor " + p.getKey() + " has shape " + t.shapeString() + ", expected "
                            + p.getValue().value().shapeString() + " for " + describe(model));
                }
            }
            for (String k : weights.keySet()) {
                if (!model.parameters().contains(k)) {
                    throw error("unexpected tensor " + k + "; a " + model.kind().id() + " state_dict has "
                            + model.parameters().asMap().keySet());
                }
            }
            model.parameters().load(weights);
        }

        private static String describe(Model m) {
            LstmConfig c = m.lstmConfig();
            return "input_size " + c.inputSize() + ", hidden_size " + c.hiddenSize() + ", num_layers " + c.numLayers();
        }

        private Tensor require(String name, int rank) {
            Tensor t = weights.get(name);
            if (t == null) {
                throw error("no tensor " + name + "; it holds " + weights.keySet());
            }
            if (t.rank() != rank) {
                throw error("tensor " + name + " has shape " + t.shapeString() + ", expected " + rank + " dimensions");
            }
            return t;
        }

        /** The size the tensors say, after checking that the config, if it names it, says the same. */
        private int agree(String field, int fromTensors, String tensorName, Tensor t) {
            JsonNode v = config.get(field);
            if (v == null || v.isNull()) {
                return fromTensors;
            }
            if (!v.isIntegralNumber()) {
                throw new IllegalArgumentException(configName + ": " + field + " must be an integer, got " + v);
            }
            if (v.asInt() != fromTensors) {
                throw new IllegalArgumentException(configName + " says " + field + " " + v.asInt() + ", but " + npzName + "'s "
                        + tensorName + (t == null ? "" : " " + t.shapeString()) + " gives " + fromTensors);
            }
            return fromTensors;
        }

        private float scale(String field) {
            JsonNode v = config.get(field);
            if (v == null || v.isNull()) {
                return 1f;
            }
            if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
                throw new IllegalArgumentException(configName + ": " + field + " must be a positive number, got " + v);
            }
            return (float) v.asDouble();
        }

        /** Entries in index order, from a list or from a PyTorch-style {@code word_to_ix} map. */
        private List<String> entries(String listField, String mapField) {
            JsonNode list = config.get(listField);
            JsonNode map = mapField == null ? null : config.get(mapField);
            if (list != null && map != null) {
                throw new IllegalArgumentException(configName + ": give either '" + listField + "' or '" + mapField + "', not both");
            }
            if (list != null) {
                if (!list.isArray()) {
                    throw new IllegalArgumentException(configName + ": '" + listField + "' must be a list of strings");
                }
                List<String> out = new ArrayList<>();
                for (JsonNode n : list) {
                    if (!n.isTextual()) {
                        throw new IllegalArgumentException(configName + ": '" + listField + "' holds a non-string " + n);
                    }
                    out.add(n.asText());
                }
                return out;
            }
            if (map != null) {
                if (!map.isObject()) {
                    throw new IllegalArgumentException(configName + ": '" + mapField + "' must map each entry to its index");
                }
                String[] out = new String[map.size()];
                Iterator<Map.Entry<String, JsonNode>> it = map.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    int i = e.getValue().isIntegralNumber() ? e.getValue().asInt() : -1;
                    if (i < 0 || i >= out.length) {
                        throw new IllegalArgumentException(configName + ": '" + mapField + "' maps '" + e.getKey() + "' to "
                                + e.getValue() + "; indices must be 0.." + (out.length - 1));
                    }
                    if (out[i] != null) {
                        throw new IllegalArgumentException(configName + ": '" + mapField + "' maps both '" + out[i] + "' and '"
                                + e.getKey() + "' to " + i);
                    }
                    out[i] = e.getKey();
                }
                return List.of(out);
            }
            throw new IllegalArgumentException(configName + ": a tagger config needs '" + listField + "' (a list)"
                    + (mapField == null ? "" : " or '" + mapField + "' (entry to index)"));
        }

        /** The unknown-word entry: as the config says, or {@code <unk>} when the vocabulary has one and the config is silent. */
        private String unknownEntry(List<String> words) {
            if (!config.has("unknown")) {
                return words.contains(Vocabulary.UNKNOWN) ? Vocabulary.UNKNOWN : null;
            }
            JsonNode u = config.get("unknown");
            if (u.isNull()) {
                return null;
            }
            if (!u.isTextual() || !words.contains(u.asText())) {
                throw new IllegalArgumentException(configName + ": unknown entry " + u + " is not one of the words");
            }
            return u.asText();
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(npzName + ": " + message);
        }
    }
}
