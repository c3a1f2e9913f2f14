package io.stepwise.torch;

import io.stepwise.model.TaggerBatchPass;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.lstm.Lstm;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.lstm.LstmState;
import io.stepwise.lstm.PackedLstm;
import io.stepwise.model.Input;
import io.stepwise.model.Model;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.TaggerShape;
import io.stepwise.model.Vocabulary;
import io.stepwise.nn.CharEncoder;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.ParameterSet;
import io.stepwise.tensor.Tensor;
import io.stepwise.train.TaggedSentence;
import io.stepwise.train.TaggerTutorial;
import io.stepwise.train.TrainingListener;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Runs a PyTorch reference file (the formats of lstm-core/src/test/resources/fixtures: the tutorial's seed tensor, LSTM
 * forward parity, loss gradients, a training trajectory, the streaming tagger with character features
 * and delayed heads) against this implementation and reports,
 * per case, the largest absolute difference and whether every value is within tolerance.
 *
 * <p>Tolerances: forward values 1e-5 absolute; gradients and losses 1e-4 * max(1, |reference|);
 * values the tutorial printed, to their 4 decimal places; training losses 1e-4 and weights 1e-4.
 */
public final class FixtureCheck {

    public static final double FORWARD_TOL = 1e-5;
    public static final double GRAD_REL_TOL = 1e-4;
    public static final double PRINTED_4DP_TOL = 0.5e-4 + 1e-7;

    /**
     * One compared quantity of one case. {@code rounded} marks comparisons with numbers the tutorial
     * printed to 4 decimal places, whose differences say nothing about float precision.
     */
    public record Result(String caseName, String quantity, double maxAbsDiff, boolean ok, boolean rounded) {
        Result(String caseName, String quantity, double maxAbsDiff, boolean ok) {
            this(caseName, quantity, maxAbsDiff, ok, false);
        }
    }

    private final List<Result> results = new ArrayList<>();
    private final Gemm gemm = new Gemm();

    private FixtureCheck() {
    }

    /** Recognises the file's format by its fields and checks every case in it. */
    public static List<Result> check(JsonNode fixture) {
        FixtureCheck c = new FixtureCheck();
        if (fixture.has("stepwise") && fixture.has("batch")) {
            c.checkSeed(fixture);
        } else if (fixture.has("initial_weights") && fixture.has("training_data")) {
            c.checkTraining(fixture);
        } else if (fixture.has("cases")) {
            for (JsonNode cs : fixture.get("cases")) {
                if (cs.has("config") && cs.get("config").has("characters")) {
                    c.checkCharTagger(cs);
                } else if (cs.has("float32") && cs.get("float32").has("grads")) {
                    if (cs.has("word_to_ix")) {
                        c.checkTaggerGradients(cs);
                    } else {
                        c.checkSumGradients(cs);
                    }
                } else if (cs.has("float32") && cs.get("float32").has("out")) {
                    c.checkParity(cs);
                } else {
                    throw new IllegalArgumentException("case " + cs.path("name").asText("?") + " is in no known fixture format");
                }
            }
        } else {
            throw new IllegalArgumentException("not a Stepwise/PyTorch fixture: expected 'cases', 'stepwise'+'batch', or 'initial_weights'");
        }
        return c.results;
    }

    // ---- the tutorial's LSTM(3, 3) -------------------------------------------------------------

    private void checkSeed(JsonNode f) {
        LstmConfig cfg = new LstmConfig(f.get("input_size").asInt(), f.get("hidden_size").asInt(), f.get("num_layers").asInt());
        Map<String, Tensor> weights = JsonTensors.tensors(f.get("weights"), "");
        PackedLstm packed = PackedLstm.pack(cfg, weights);
        float[] inputs = JsonTensors.floats(f.get("inputs"));
        int steps = f.get("inputs").size();
        int in = cfg.inputSize();
        int h = cfg.hiddenSize();

        JsonNode sw = f.get("stepwise");
        LstmState state = LstmState.of(new float[][]{JsonTensors.floats(sw.get("h0"))}, new float[][]{JsonTensors.floats(sw.get("c0"))});
        float[] outs = new float[steps * h];
        float[] cells = new float[steps * h];
        float[] scratch = packed.newScratch();
        for (int t = 0; t < steps; t++) {
            packed.step(inputs, t * in, state, scratch);
            System.arraycopy(state.h(0), 0, outs, t * h, h);
            System.arraycopy(state.c(0), 0, cells, t * h, h);
        }
        compare("stepwise", "out_per_step", outs, sw.get("out_per_step"), FORWARD_TOL, false);
        compare("stepwise", "c_per_step", cells, sw.get("c_per_step"), FORWARD_TOL, false);
        compare("stepwise", "final_h", state.h(0), sw.get("final_h"), FORWARD_TOL, false);
        compare("stepwise", "final_c", state.c(0), sw.get("final_c"), FORWARD_TOL, false);

        JsonNode b = f.get("batch");
        Lstm lstm = lstmWith(cfg, weights);
        Lstm.Trace tr = lstm.forward(inputs, steps, 1, JsonTensors.floats(b.get("h0")), JsonTensors.floats(b.get("c0")), gemm);
        compare("whole-sequence", "out", tr.output(), b.get("out"), FORWARD_TOL, false);
        compare("whole-sequence", "h_n", tr.hN(), b.get("h_n"), FORWARD_TOL, false);
        compare("whole-sequence", "c_n", tr.cN(), b.get("c_n"), FORWARD_TOL, false);
        JsonNode printed = f.get("tutorial_printed");
        compare("tutorial printed (4 dp)", "out", tr.output(), printed.get("out"), PRINTED_4DP_TOL, false);
        compare("tutorial printed (4 dp)", "h_n", tr.hN(), printed.get("h_n"), PRINTED_4DP_TOL, false);
        compare("tutorial printed (4 dp)", "c_n", tr.cN(), printed.get("c_n"), PRINTED_4DP_TOL, false);
    }

    // ---- forward parity -----------------------------------------------------------------------

    private void checkParity(JsonNode cs) {
        String name = cs.get("name").asText();
        LstmConfig cfg = new LstmConfig(cs.get("input_size").asInt(), cs.get("hidden_size").asInt(), cs.get("num_layers").asInt());
        int steps = cs.get("seq_len").asInt();
        int batch = cs.get("batch").asInt();
        Map<String, Tensor> weights = JsonTensors.tensors(cs.get("weights"), "");
        float[] x = JsonTensors.floats(cs.get("x"));
        float[] h0 = JsonTensors.floats(cs.get("h0"));
        float[] c0 = JsonTensors.floats(cs.get("c0"));
        JsonNode ref = cs.get("float32");

        Lstm.Trace tr = lstmWith(cfg, weights).forward(x, steps, batch, h0, c0, gemm);
        compare(name + " whole-sequence", "out", tr.output(), ref.get("out"), FORWARD_TOL, false);
        compare(name + " whole-sequence", "h_n", tr.hN(), ref.get("h_n"), FORWARD_TOL, false);
        compare(name + " whole-sequence", "c_n", tr.cN(), ref.get("c_n"), FORWARD_TOL, false);

        // the same sequences one element at a time, each batch entry its own stream
        PackedLstm packed = PackedLstm.pack(cfg, weights);
        int layers = cfg.numLayers();
        int h = cfg.hiddenSize();
        int in = cfg.inputSize();
        LstmState[] states = new LstmState[batch];
        for (int b = 0; b < batch; b++) {
            states[b] = initialState(layers, h, batch, b, h0, c0);
        }
        float[] out = new float[steps * batch * h];
        float[] scratch = packed.newScratch();
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                packed.step(x, (t * batch + b) * in, states[b], scratch);
                System.arraycopy(states[b].output(), 0, out, (t * batch + b) * h, h);
            }
        }
        compare(name + " stepwise", "out", out, ref.get("out"), FORWARD_TOL, false);
        float[] hn = new float[layers * batch * h];
        float[] cn = new float[layers * batch * h];
        for (int l = 0; l < layers; l++) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(states[b].h(l), 0, hn, (l * batch + b) * h, h);
                System.arraycopy(states[b].c(l), 0, cn, (l * batch + b) * h, h);
            }
        }
        compare(name + " stepwise", "h_n", hn, ref.get("h_n"), FORWARD_TOL, false);
        compare(name + " stepwise", "c_n", cn, ref.get("c_n"), FORWARD_TOL, false);

        // and all streams advanced together, one matrix product per layer and step
        for (int b = 0; b < batch; b++) {
            states[b] = initialState(layers, h, batch, b, h0, c0);
        }
        PackedLstm.BatchScratch bs = packed.newBatchScratch();
        float[] xt = new float[batch * in];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(x, t * batch * in, xt, 0, batch * in);
            packed.stepBatch(xt, states, batch, bs);
            for (int b = 0; b < batch; b++) {
                System.arraycopy(states[b].output(), 0, out, (t * batch + b) * h, h);
            }
        }
        compare(name + " batched steps", "out", out, ref.get("out"), FORWARD_TOL, false);
    }

    private static LstmState initialState(int layers, int h, int batch, int b, float[] h0, float[] c0) {
        float[][] hh = new float[layers][h];
        float[][] cc = new float[layers][h];
        for (int l = 0; l < layers; l++) {
            System.arraycopy(h0, (l * batch + b) * h, hh[l], 0, h);
            System.arraycopy(c0, (l * batch + b) * h, cc[l], 0, h);
        }
        return LstmState.of(hh, cc);
    }

    // ---- gradients ----------------------------------------------------------------------------

    private void checkSumGradients(JsonNode cs) {
        String name = cs.get("name").asText();
        Map<String, Tensor> weights = JsonTensors.stateDict(cs.get("weights"));
        Tensor whh = weights.get(SumModel.LSTM + LstmConfig.weightHh(0));
        int hidden = whh.dim(1);
        SumModel model = new SumModel(new ModelMeta("fixture", 1, Map.of()), hidden, 1, 1f, 1f);
        model.parameters().load(weights);
        float[] x = JsonTensors.floats(cs.get("x"));
        int steps = x.length;
        float[] target = new float[steps];
        float[] weight = new float[steps];
        // the reference applies the loss to out[-1] only
        target[steps - 1] = (float) cs.get("target").asDouble();
        weight[steps - 1] = 1f;
        model.parameters().zeroGrad();
        SumModel.BatchPass pass = model.forward(x, steps, 1, gemm);
        double loss = model.backward(pass, target, weight, gemm);
        JsonNode ref = cs.get("float32");
        compare(name, "output", new float[]{pass.predictions[steps - 1]}, ref.get("output"), GRAD_REL_TOL, true);
        compareScalar(name, "loss", loss, ref.get("loss").asDouble(), GRAD_REL_TOL);
        compareGrads(name, model.parameters(), JsonTensors.stateDict(ref.get("grads")));
    }

    private void checkTaggerGradients(JsonNode cs) {
        String name = cs.get("name").asText();
        TaggerModel model = taggerFrom(cs, JsonTensors.stateDict(cs.get("weights")));
        int[] words = JsonTensors.ints(cs.get("word_ids"));
        int[] tags = JsonTensors.ints(cs.get("tag_ids"));
        model.parameters().zeroGrad();
        TaggerBatchPass pass = model.forward(new int[][]{words}, gemm);
        double loss = model.backward(pass, new int[][]{tags}, gemm);
        JsonNode ref = cs.get("float32");
        compare(name, "output", pass.logProbs, ref.get("output"), GRAD_REL_TOL, true);
        compareScalar(name, "loss", loss, ref.get("loss").asDouble(), GRAD_REL_TOL);
        compareGrads(name, model.parameters(), JsonTensors.stateDict(ref.get("grads")));
    }

    private void compareGrads(String name, ParameterSet params, Map<String, Tensor> refGrads) {
        for (Map.Entry<String, Tensor> e : refGrads.entrySet()) {
            float[] mine = params.get(e.getKey()).gradData();
            compare(name, "grad " + e.getKey(), mine, e.getValue().data(), GRAD_REL_TOL, true);
        }
    }

    // ---- the streaming tagger: character features and delayed heads ----------------------------

    /**
     * The streaming tagger of make_char_tagger.py: the word and character ids it reads, the character
     * encodings, every head's log-probabilities, the loss and every gradient of the training pass, then
     * every head's log-probabilities again from the paths that serve it (one stream stepped at a time,
     * streams stepped together, whole sentences offline).
     */
    private void checkCharTagger(JsonNode cs) {
        String name = cs.get("name").asText();
        TaggerModel model = charTaggerFrom(cs.get("config"), JsonTensors.stateDict(cs.get("weights")));
        JsonNode ref = cs.get("float32");
        JsonNode logProbs = ref.get("log_probs");
        List<List<String>> sentences = new ArrayList<>();
        cs.get("sentences").forEach(s -> sentences.add(wordsOf(s)));
        int batch = sentences.size();
        int delay = model.delay();
        if (logProbs.size() != delay + 1) {
            results.add(new Result(name, "heads (" + logProbs.size() + " in the reference, delay " + delay + ")", Double.POSITIVE_INFINITY, false));
            return;
        }

        // what the model reads: lower-cased word lookup, code points, long words cut, unknown characters
        int[][] wordIds = new int[batch][];
        String[][] words = new String[batch][];
        int[][] tagIds = new int[batch][];
        boolean idsOk = true;
        for (int b = 0; b < batch; b++) {
            words[b] = sentences.get(b).toArray(String[]::new);
            wordIds[b] = sentences.get(b).stream().mapToInt(model::wordIndex).toArray();
            tagIds[b] = JsonTensors.ints(cs.get("tag_ids").get(b));
            idsOk &= java.util.Arrays.equals(wordIds[b], JsonTensors.ints(cs.get("word_ids").get(b)));
        }
        results.add(new Result(name, "word ids", idsOk ? 0 : 1, idsOk));
        CharEncoder chars = model.characters();
        List<String> distinct = new ArrayList<>();
        boolean charIdsOk = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = cs.get("char_ids").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            distinct.add(e.getKey());
            charIdsOk &= java.util.Arrays.equals(chars.charIds(e.getKey()), JsonTensors.ints(e.getValue()));
        }
        results.add(new Result(name, "character ids", charIdsOk ? 0 : 1, charIdsOk));

        // the character encoder: words batched (the training pass) and one at a time (the streaming path)
        float[] expectedEnc = encodings(ref.get("char_encodings"), distinct);
        compare(name + " characters", "encodings (batched)", chars.forward(distinct.toArray(String[]::new), gemm).encodings,
                expectedEnc, FORWARD_TOL, false);
        CharEncoder.Reader reader = chars.newReader();
        float[] one = new float[distinct.size() * chars.dim()];
        for (int w = 0; w < distinct.size(); w++) {
            reader.encode(distinct.get(w), one, w * chars.dim());
        }
        compare(name + " characters", "encodings (one word at a time)", one, expectedEnc, FORWARD_TOL, false);

        // the training pass: every head's log-probabilities, the loss and the gradients
        model.parameters().zeroGrad();
        TaggerBatchPass pass = model.forward(wordIds, words, gemm, null);
        double loss = model.backward(pass, tagIds, gemm);
        for (int d = 0; d <= delay; d++) {
            List<Float> head = new ArrayList<>();
            boolean sameBest = true;
            for (int b = 0; b < batch; b++) {
                JsonNode rows = logProbs.get(d).get(b);
                for (int t = 0; t < rows.size(); t++) {
                    // the tag decoding settles on, as evaluation reads it
                    sameBest &= pass.bestTag(d, t, b) == argmax(JsonTensors.doubles(rows.get(t)));
                    float[] lp = pass.headLogProbs(d, t, b);
                    if (lp == null) {
                        throw new IllegalStateException(name + ": head " + d + " of the training pass does not reach word " + t
                                + " of sentence " + b + ", which the reference scores");
                    }
                    for (float v : lp) {
                        head.add(v);
                    }
                }
            }
            compare(name + " training pass", "head " + d + " log-probs", toArray(head), flatten(logProbs.get(d)), FORWARD_TOL, false);
            results.add(new Result(name + " training pass", "head " + d + " best tags", sameBest ? 0 : 1, sameBest));
        }
        compareScalar(name + " training pass", "loss", loss, ref.get("loss").asDouble(), GRAD_REL_TOL);
        compareGrads(name + " training pass", model.parameters(), JsonTensors.stateDict(ref.get("grads")));

        // one stream at a time: the stepper's top hidden states, read by every head
        float[][][] hs = new float[batch][][];
        TaggerModel.Stepper stepper = model.newStepper();
        int h = model.lstmConfig().hiddenSize();
        int top = model.lstmConfig().numLayers() - 1;
        List<Float> stepperHead0 = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            LstmState state = LstmState.zeros(model.lstmConfig());
            hs[b] = new float[words[b].length][];
            for (int t = 0; t < words[b].length; t++) {
                stepper.step(words[b][t], state);
                hs[b][t] = java.util.Arrays.copyOfRange(state.values(), state.hOffset(top), state.hOffset(top) + h);
                for (float v : stepper.lastLogProbabilities()) {
                    stepperHead0.add(v);
                }
            }
        }
        compare(name + " stepwise", "head 0 log-probs (Stepper)", toArray(stepperHead0), flatten(logProbs.get(0)), FORWARD_TOL, false);
        compareHeads(name + " stepwise", model, hs, logProbs);

        // all streams stepped together, each ending when its sentence does: as the job steps them, and
        // as one product per layer (what larger models take)
        compareHeads(name + " batched steps", model, stepTogether(model, model.newBatchStepper(), words), logProbs);
        compareHeads(name + " batched product", model, stepTogether(model, model.newProductStepper(), words), logProbs);

        // offline: each word's tag at once and its final tag, with their probabilities
        List<List<Input>> tokens = new ArrayList<>();
        sentences.forEach(s -> tokens.add(s.stream().map(Input::token).toList()));
        List<List<Prediction>> offline = model.predict(tokens);
        List<Float> probs = new ArrayList<>();
        List<Double> expectedProbs = new ArrayList<>();
        boolean tagsOk = true;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < words[b].length; t++) {
                Prediction p = offline.get(b).get(t);
                Prediction.Tag now = p instanceof Prediction.DelayedTag dt ? dt.now() : (Prediction.Tag) p;
                Prediction.Tag fin = p instanceof Prediction.DelayedTag dt ? dt.finalTag() : (Prediction.Tag) p;
                int d = Math.min(delay, words[b].length - 1 - t);
                tagsOk &= now.tag().equals(ref.get("tags_at_once").get(b).get(t).asText())
                        && fin.tag().equals(ref.get("final_tags").get(b).get(t).asText());
                probs.add(now.probability());
                probs.add(fin.probability());
                expectedProbs.add(Math.exp(max(JsonTensors.doubles(logProbs.get(0).get(b).get(t)))));
                expectedProbs.add(Math.exp(max(JsonTensors.doubles(logProbs.get(d).get(b).get(t)))));
            }
        }
        results.add(new Result(name + " offline", "tags at once and final tags", tagsOk ? 0 : 1, tagsOk));
        compare(name + " offline", "probabilities of those tags", toArray(probs),
                expectedProbs.stream().mapToDouble(Double::doubleValue).toArray(), FORWARD_TOL, false);
        List<List<String>> finals = model.finalTags(sentences).stream().map(s -> s.stream().map(Prediction.Tag::tag).toList()).toList();
        List<List<String>> expectedFinals = new ArrayList<>();
        ref.get("final_tags").forEach(s -> expectedFinals.add(wordsOf(s)));
        results.add(new Result(name + " offline", "finalTags " + finals, finals.equals(expectedFinals) ? 0 : 1, finals.equals(expectedFinals)));
    }

    /** Every head's log-probabilities from top hidden states {@code hs[sentence][t]}, through {@link TaggerModel#head}. */
    private void compareHeads(String caseName, TaggerModel model, float[][][] hs, JsonNode logProbs) {
        int k = model.tags().size();
        float[] logits = new float[k];
        float[] pair = new float[2 * model.lstmConfig().hiddenSize()];
        for (int d = 0; d <= model.delay(); d++) {
            List<Float> mine = new ArrayList<>();
            for (int b = 0; b < hs.length; b++) {
                for (int t = 0; t + d < hs[b].length; t++) {
                    model.head(d, hs[b][t], 0, d == 0 ? null : hs[b][t + d], 0, logits, pair);
                    for (float v : logits) {
                        mine.add(v);
                    }
                }
            }
            compare(caseName, "head " + d + " log-probs", toArray(mine), flatten(logProbs.get(d)), FORWARD_TOL, false);
        }
    }

    /** The streaming tagger a fixture's {@code config} describes (the import-torch config), with {@code weights}. */
    static TaggerModel charTaggerFrom(JsonNode c, Map<String, Tensor> weights) {
        Vocabulary words = new Vocabulary(wordsOf(c.get("words")), c.get("unknown").isNull() ? null : c.get("unknown").asText());
        Vocabulary tags = Vocabulary.closed(wordsOf(c.get("tags")));
        Vocabulary characters = new Vocabulary(wordsOf(c.get("characters")), c.get("unknown_character").asText());
        TaggerShape shape = new TaggerShape(c.get("embedding_dim").asInt(), c.get("hidden_size").asInt(), c.get("num_layers").asInt(),
                c.get("char_dim").asInt(), c.get("char_hidden").asInt(), c.get("max_chars").asInt(), c.get("delay").asInt(),
                c.get("lowercase").asBoolean());
        TaggerModel model = new TaggerModel(new ModelMeta("char-tagger", 1, Map.of()), words, tags, characters, shape);
        model.parameters().load(weights);
        model.weightsChanged();
        return model;
    }

    private static float[] encodings(JsonNode byWord, List<String> order) {
        List<Float> out = new ArrayList<>();
        for (String w : order) {
            for (float v : JsonTensors.floats(byWord.get(w))) {
                out.add(v);
            }
        }
        return toArray(out);
    }

    /** The numbers of a ragged nested array (sentences of different lengths), in order. */
    private static double[] flatten(JsonNode ragged) {
        List<Double> out = new ArrayList<>();
        ragged.forEach(part -> {
            for (double v : JsonTensors.doubles(part)) {
                out.add(v);
            }
        });
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }

    private static double max(double[] v) {
        return v[argmax(v)];
    }

    // ---- the tutorial's training run -----------------------------------------------------------

    private void checkTraining(JsonNode f) {
        TaggerModel model = taggerFrom(f, JsonTensors.stateDict(f.get("initial_weights")));
        JsonNode ref = f.get("float32");
        List<TaggedSentence> data = TaggerTutorial.trainingData(f.get("training_data"));
        if (ref.has("tag_scores_before_training_sentence0")) {
            float[] before = model.forward(new int[][]{ids(model.words(), f.get("training_data").get(0).get(0))}, gemm).logProbs;
            compare("before training", "tag scores sentence 0", before, ref.get("tag_scores_before_training_sentence0"), FORWARD_TOL, false);
            if (f.has("tutorial_printed_sentence0")) {
                compare("before training", "tutorial printed (4 dp)", before, f.get("tutorial_printed_sentence0").get("before"), PRINTED_4DP_TOL, false);
            }
        }
        JsonNode refLosses = ref.get("loss_all_epochs_per_sentence");
        int epochs = refLosses.size();
        float[] losses = TaggerTutorial.train(model, data, epochs, TrainingListener.NONE);
        compare("training (SGD 0.1, " + epochs + " epochs)", "loss per epoch and sentence", losses, refLosses, GRAD_REL_TOL, true);
        Map<String, Tensor> finalWeights = JsonTensors.stateDict(ref.get("final_weights"));
        for (Map.Entry<String, Tensor> e : finalWeights.entrySet()) {
            compare("training", "final " + e.getKey(), model.parameters().get(e.getKey()).data(), e.getValue().data(), GRAD_REL_TOL, true);
        }
        Iterator<Map.Entry<String, JsonNode>> preds = ref.get("predictions").fields();
        while (preds.hasNext()) {
            Map.Entry<String, JsonNode> p = preds.next();
            List<String> words = List.of(p.getKey().split(" "));
            float[] scores = model.forward(new int[][]{words.stream().mapToInt(model::wordIndex).toArray()}, gemm).logProbs;
            compare("after training '" + p.getKey() + "'", "tag scores", scores, p.getValue().get("tag_scores"), GRAD_REL_TOL, true);
            List<String> tagged = model.tag(words).stream().map(Prediction.Tag::tag).toList();
            List<String> expected = new ArrayList<>();
            p.getValue().get("tags").forEach(t -> expected.add(t.asText()));
            results.add(new Result("after training '" + p.getKey() + "'", "tags " + tagged + " (stepwise)", tagged.equals(expected) ? 0 : 1, tagged.equals(expected)));
            if (f.has("tutorial_printed_sentence0") && p.getKey().equals(String.join(" ", wordsOf(f.get("training_data").get(0).get(0))))) {
                compare("after training", "tutorial printed (4 dp)", scores, f.get("tutorial_printed_sentence0").get("after"), PRINTED_4DP_TOL, false);
            }
        }
    }

    private static List<String> wordsOf(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static int[] ids(Vocabulary v, JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.require(arr.get(i).asText());
        }
        return out;
    }

    /** A tagger whose vocabularies come from the fixture's {@code word_to_ix} and {@code tag_to_ix}. */
    static TaggerModel taggerFrom(JsonNode f, Map<String, Tensor> weights) {
        Vocabulary words = Vocabulary.closed(byIndex(f.get("word_to_ix")));
        Vocabulary tags = Vocabulary.closed(byIndex(f.get("tag_to_ix")));
        Tensor emb = weights.get(TaggerModel.EMBEDDING + "weight");
        Tensor whh = weights.get(TaggerModel.LSTM + LstmConfig.weightHh(0));
        int layers = 0;
        while (weights.containsKey(TaggerModel.LSTM + LstmConfig.weightHh(layers))) {
            layers++;
        }
        TaggerModel model = new TaggerModel(new ModelMeta("tagger", 1, Map.of()), words, tags, emb.dim(1), whh.dim(1), layers);
        model.parameters().load(weights);
        model.weightsChanged();
        return model;
    }

    static List<String> byIndex(JsonNode wordToIx) {
        return TaggerTutorial.byIndex(wordToIx);
    }

    private static Lstm lstmWith(LstmConfig cfg, Map<String, Tensor> weights) {
        ParameterSet set = new ParameterSet();
        Lstm lstm = new Lstm(cfg, set, "");
        set.load(weights);
        return lstm;
    }

    // ---- comparison ---------------------------------------------------------------------------

    private void compare(String caseName, String quantity, float[] mine, JsonNode ref, double tol, boolean relative) {
        compare(caseName, quantity, mine, JsonTensors.doubles(ref), tol, relative);
    }

    private void compare(String caseName, String quantity, float[] mine, float[] ref, double tol, boolean relative) {
        double[] r = new double[ref.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = ref[i];
        }
        compare(caseName, quantity, mine, r, tol, relative);
    }

    private void compare(String caseName, String quantity, float[] mine, double[] ref, double tol, boolean relative) {
        if (mine.length != ref.length) {
            results.add(new Result(caseName, quantity + " (size " + mine.length + " vs reference " + ref.length + ")", Double.POSITIVE_INFINITY, false));
            return;
        }
        double max = 0;
        boolean ok = true;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs(mine[i] - ref[i]);
            if (!(d <= (relative ? tol * Math.max(1, Math.abs(ref[i])) : tol))) {
                ok = false;
            }
            max = Double.isNaN(d) ? Double.NaN : Math.max(max, d);
        }
        results.add(new Result(caseName, quantity, max, ok, tol == PRINTED_4DP_TOL));
    }

    private void compareScalar(String caseName, String quantity, double mine, double ref, double relTol) {
        double d = Math.abs(mine - ref);
        results.add(new Result(caseName, quantity, d, d <= relTol * Math.max(1, Math.abs(ref))));
    }

    /** Each sentence's top hidden states, {@code [b][t][H]}, with every sentence stepped by {@code together} while it lasts. */
    private static float[][][] stepTogether(TaggerModel model, Model.BatchStepper together, String[][] words) {
        int batch = words.length;
        int h = model.lstmConfig().hiddenSize();
        int top = model.lstmConfig().numLayers() - 1;
        float[][][] hs = new float[batch][][];
        LstmState[] states = new LstmState[batch];
        for (int b = 0; b < batch; b++) {
            states[b] = LstmState.zeros(model.lstmConfig());
            hs[b] = new float[words[b].length][];
        }
        for (int t = 0; ; t++) {
            List<Integer> live = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                if (t < words[b].length) {
                    live.add(b);
                }
            }
            if (live.isEmpty()) {
                break;
            }
            int n = live.size();
            Input[] inputs = new Input[n];
            LstmState[] st = new LstmState[n];
            for (int i = 0; i < n; i++) {
                inputs[i] = Input.token(words[live.get(i)][t]);
                st[i] = states[live.get(i)];
            }
            together.step(inputs, st, n, new Prediction[n]);
            for (int i = 0; i < n; i++) {
                LstmState s = states[live.get(i)];
                hs[live.get(i)][t] = java.util.Arrays.copyOfRange(s.values(), s.hOffset(top), s.hOffset(top) + h);
            }
        }
        return hs;
    }
}
