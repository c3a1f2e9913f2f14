package io.stepwise.train;

import io.stepwise.model.TaggerBatchPass;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.lstm.LstmConfig;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.tensor.Gemm;
import io.stepwise.tensor.Tensor;
import io.stepwise.torch.JsonTensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The tutorial's tagger example: its two sentences, its vocabularies, the initial weights its script
 * draws, and its training loop (SGD, learning rate 0.1, one sentence per step, sentences in the
 * tutorial's order). The data is a resource taken from the tutorial's PyTorch run.
 */
public final class TaggerTutorial {

    public static final double LEARNING_RATE = 0.1;
    public static final int EPOCHS = 300;
    private static final String RESOURCE = "/tutorial/tagger_tutorial.json";

    private final List<TaggedSentence> trainingData;
    private final Vocabulary words;
    private final Vocabulary tags;
    private final Map<String, Tensor> initialWeights;

    private TaggerTutorial(JsonNode f) {
        this.trainingData = trainingData(f.get("training_data"));
        this.words = Vocabulary.closed(byIndex(f.get("word_to_ix")));
        this.tags = Vocabulary.closed(byIndex(f.get("tag_to_ix")));
        this.initialWeights = JsonTensors.stateDict(f.get("initial_weights"));
    }

    /** The tutorial as shipped with Stepwise. */
    public static TaggerTutorial load() {
        try (InputStream in = TaggerTutorial.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new TaggerTutorial(JsonTensors.read(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<TaggedSentence> trainingData() {
        return trainingData;
    }

    public Vocabulary words() {
        return words;
    }

    public Vocabulary tags() {
        return tags;
    }

    public int embeddingDim() {
        return initialWeights.get(TaggerModel.EMBEDDING + "weight").dim(1);
    }

    public int hiddenSize() {
        return initialWeights.get(TaggerModel.LSTM + LstmConfig.weightHh(0)).dim(1);
    }

    /** The tutorial's model with the weights its script starts from. */
    public TaggerModel initialModel(ModelMeta meta) {
        TaggerModel model = new TaggerModel(meta, words, tags, embeddingDim(), hiddenSize(), 1);
        model.parameters().load(initialWeights);
        model.weightsChanged();
        return model;
    }

    /** The tutorial's model shape, initialised from a seed instead. */
    public TaggerModel randomModel(ModelMeta meta, long seed) {
        return new TaggerModel(meta, words, tags, embeddingDim(), hiddenSize(), 1).initRandom(seed);
    }

    /**
     * The tutorial's loop: per epoch, each sentence in order, {@code zero_grad / forward / NLLLoss /
     * backward / step} with SGD at {@link #LEARNING_RATE}. Returns the loss of every step,
     * {@code [epoch * sentences + sentence]}, each computed before that step's update.
     */
    public static float[] train(TaggerModel model, List<TaggedSentence> data, int epochs, TrainingListener listener) {
        List<int[]> sentences = new ArrayList<>();
        List<int[]> tagSeqs = new ArrayList<>();
        for (TaggedSentence s : data) {
            sentences.add(s.words().stream().mapToInt(w -> model.words().require(w)).toArray());
            tagSeqs.add(s.tags().stream().mapToInt(t -> model.tags().require(t)).toArray());
        }
        List<Integer> inOrder = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            inOrder.add(i);
        }
        float[] losses = new float[epochs * sentences.size()];
        int[] step = {0};
        TrainingLoop.Plan plan = new TrainingLoop.Plan(epochs, 0, null, new Sgd(LEARNING_RATE),
                TrainingLoop.Plan.constant(LEARNING_RATE), 0);
        try (Gemm gemm = new Gemm()) {
            TrainingLoop.run(new TrainingLoop.Task<Integer>() {
            @Override
            public String what() {
                return "tagger (tutorial)";
            }

            @Override
            public TaggerModel model() {
                return model;
            }

            @Override
            public TrainingLoop.Epoch<Integer> epoch(int epoch) {
                return TrainingLoop.Epoch.of(inOrder, this);
            }

            @Override
            public double lossAndGradients(Integer s) {
                model.parameters().zeroGrad();
                TaggerBatchPass pass = model.forward(new int[][]{sentences.get(s)}, gemm);
                float loss = (float) model.backward(pass, new int[][]{tagSeqs.get(s)}, gemm);
                losses[step[0]++] = loss;
                return loss;
            }

            @Override
            public int examples(Integer s) {
                return 1;
            }
            }, plan, listener);
        }
        return losses;
    }

    /** Pairs {@code [[words...], [tags...]]} as the tutorial writes its training data. */
    public static List<TaggedSentence> trainingData(JsonNode pairs) {
        List<TaggedSentence> out = new ArrayList<>();
        for (JsonNode pair : pairs) {
            out.add(new TaggedSentence(strings(pair.get(0)), strings(pair.get(1))));
        }
        return out;
    }

    /** Entries of a {@code word_to_ix}-style object, ordered by their index. */
    public static List<String> byIndex(JsonNode toIx) {
        String[] out = new String[toIx.size()];
        toIx.fields().forEachRemaining(e -> out[e.getValue().asInt()] = e.getKey());
        return List.of(out);
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }
}
