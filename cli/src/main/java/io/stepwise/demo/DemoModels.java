package io.stepwise.demo;

import io.stepwise.io.Conllu;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.train.OptimizerKind;
import io.stepwise.train.SumEvaluation;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TaggedSentence;
import io.stepwise.train.TaggerEvaluation;
import io.stepwise.train.TaggerTrainer;
import io.stepwise.train.TrainingListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's two models, trained at start with the project's own trainers: a tagger on the
 * bundled tagged sample (or on UD English EWT when a copy is given), and a small sum model. Each
 * comes with its figure on held-out data, which the console shows.
 */
public final class DemoModels {

    /** A trained model version and what it scored on data it did not train on. */
    public record Trained<M>(M model, String heldOut) {
    }

    private DemoModels() {
    }

    /** The tagger's training sentences: UD English EWT under {@code corpus}, or the bundled sample. */
    public static List<TaggedSentence> trainingSentences(Path corpus) {
        try {
            return corpus == null ? resource("/demo/tagged-sample.conllu")
                    : Conllu.read(ewt(corpus).resolve("en_ewt-ud-train.conllu"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path ewt(Path corpus) {
        Path ewt = corpus.resolve("ud-english-ewt");
        if (!Files.exists(ewt.resolve("en_ewt-ud-train.conllu"))) {
            throw new IllegalArgumentException("--corpus " + corpus + " holds no ud-english-ewt/en_ewt-ud-train.conllu");
        }
        return ewt;
    }

    /** A tagger trained for {@code epochs} (fewer on EWT, which is large), with its held-out accuracy. */
    public static Trained<TaggerModel> tagger(Path corpus, int epochs, TrainingListener listener) throws IOException {
        List<TaggedSentence> train = trainingSentences(corpus);
        List<TaggedSentence> dev = corpus == null ? resource("/demo/tagged-sample-dev.conllu")
                : Conllu.read(ewt(corpus).resolve("en_ewt-ud-dev.conllu"));
        String data = corpus == null ? "the bundled tagged sample" : "UD English EWT (CC BY-SA 4.0)";
        boolean big = train.size() > 2000;
        // on EWT the streaming tagger (character features, delay 2) for a couple of epochs; the bundled
        // sample is small: a words-only tagger at a higher rate reaches ~0.91 held-out accuracy in seconds
        TaggerTrainer.Settings o = big
                ? TaggerTrainer.streamingRecipe().toBuilder().epochs(Math.min(epochs, 2)).seed(1).build()
                : TaggerTrainer.Settings.builder().embeddingDim(32).hiddenSize(64).epochs(epochs).minCount(1).seed(1)
                        .learningRate(0.01).optimizer(OptimizerKind.ADAM).build();
        Map<String, Object> provenance = new LinkedHashMap<>(o.provenance());
        provenance.put("data", data);
        provenance.putAll(ModelMeta.platform());
        TaggerTrainer.Result r = new TaggerTrainer(o).train(new ModelMeta("tagger", 1, provenance), train, dev, listener);
        TaggerEvaluation.Accuracy acc = TaggerEvaluation.accuracy(r.model(), dev);
        return new Trained<>(r.model(), String.format("accuracy %.3f on %d held-out tokens of %s", acc.value(), acc.tokens(), data));
    }

    /** Longest stream the demo's sum model is fitted on and checked at: meter streams run on for minutes. */
    static final int SUM_LENGTH = 1024;

    /**
     * The sum model: the default (fitted) recipe at hidden size 32, fitted on streams of
     * {@link #SUM_LENGTH}, a few seconds' work, and checked on fresh streams of that length.
     */
    public static Trained<SumModel> sum(TrainingListener listener) {
        SumTrainer.Settings o = SumTrainer.Settings.builder().hiddenSize(32).maxLength(SUM_LENGTH).seed(1).build();
        Map<String, Object> provenance = new LinkedHashMap<>(o.provenance());
        provenance.putAll(ModelMeta.platform());
        SumTrainer.Result r = new SumTrainer(o).train(new ModelMeta("sum", 1, provenance), listener);
        SumEvaluation.Row row = SumEvaluation.evaluate(r.model(), SUM_LENGTH, 200, 7).stream()
                .filter(x -> x.length() == SUM_LENGTH).findFirst().orElseThrow();
        return new Trained<>(r.model(), String.format("RMSE %.2f (%.3f%% of the sum's spread) on fresh length-%d sequences",
                row.rmse(), 100 * row.relativeError(), SUM_LENGTH));
    }

    static List<TaggedSentence> resource(String name) {
        try (InputStream in = DemoModels.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("demo data " + name + " is missing from the build");
            }
            return Conllu.read(new InputStreamReader(in, StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chat sentences the demo streams, one per line, tokens separated by spaces. */
    public static List<List<String>> chatSentences() {
        try (InputStream in = DemoModels.class.getResourceAsStream("/demo/chat-streams.txt")) {
            if (in == null) {
                throw new IllegalStateException("demo data /demo/chat-streams.txt is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> List.of(l.split("\\s+"))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
