package io.stepwise.jobs.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.modelstream.ModelSignatures;
import io.stepwise.wire.InvalidElementException;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.LabelledExample;
import io.stepwise.wire.ModelAnnouncement;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training job's trainer, keyed by model name and run with parallelism 1: one model.
 *
 * <p>It keeps the latest labelled examples in keyed state (so a restored job trains on what it had),
 * each one either for training or held out, decided by the seed and its arrival index. Every
 * {@code publishEvery} examples (or that long after the first new one) it runs a round: the working
 * model (the last round's result, else the serving version, else a new model) trains further on the
 * kept examples with lstm-core's trainer, within a bounded number of epochs and a time budget, since
 * the round holds the task (and so its checkpoint barriers) meanwhile. The round's model and the
 * serving version are both scored on the held-out examples; the round's model is published when it
 * is better (or after every round, by configuration): its file goes to the model folder, its
 * announcement, with the scores (and signed, when the job has a signing key), to the output. Version numbers and the serving version's file are
 * in keyed state, so numbers keep increasing across restarts.
 */
public class TrainAndPublish extends KeyedProcessFunction<String, LabelledExample, KeyedJson> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainAndPublish.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Examples by arrival index, as wire-format JSON: compact, and readable whatever the classes become. */
    static final MapStateDescriptor<Long, String> EXAMPLES = new MapStateDescriptor<>("examples", Types.LONG, Types.STRING);
    static final ValueStateDescriptor<TrainerProgress> PROGRESS = new ValueStateDescriptor<>("progress", TrainerProgress.class);
    static final ValueStateDescriptor<byte[]> SERVING = new ValueStateDescriptor<>("serving-model",
            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    static final ValueStateDescriptor<byte[]> WORKING = new ValueStateDescriptor<>("working-model",
            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final TrainingSettings options;
    private final int startVersion;

    private transient MapState<Long, String> examples;
    private transient ValueState<TrainerProgress> progress;
    private transient ValueState<byte[]> serving;
    private transient ValueState<byte[]> working;
    private transient TrainingRound training;
    private transient ModelStore store;
    private transient Metrics metrics;

    public TrainAndPublish(TrainingSettings options) {
        this.options = options;
        if (options.startModel() != null) {
            Model start = ModelFile.fromBytes(options.startModel(), "the starting model");
            if (start.kind() != options.kind()) {
                throw new IllegalArgumentException("the starting model is a " + start.kind().id() + " model, but this job trains a "
                        + options.kind().id() + " model");
            }
            startVersion = start.version();
        } else {
            startVersion = 0;
        }
    }

    @Override
    public void open(OpenContext ctx) {
        examples = getRuntimeContext().getMapState(EXAMPLES);
        progress = getRuntimeContext().getState(PROGRESS);
        serving = getRuntimeContext().getState(SERVING);
        working = getRuntimeContext().getState(WORKING);
        training = TrainingRound.of(options);
        store = new ModelStore(options.modelDir());
        metrics = new Metrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(LabelledExample example, Context ctx, Collector<KeyedJson> out) throws Exception {
        TrainerProgress p = progress();
        examples.put(p.nextIndex++, example.toJson());
        if (p.kept() > options.maxExamples()) {
            examples.remove(p.firstIndex++);
        }
        p.sinceRound++;
        metrics.examplesIn.inc();
        metrics.kept = p.kept();
        if (options.publishEveryExamples() > 0) {
            if (p.sinceRound >= options.publishEveryExamples()) {
                round(p, ctx.getCurrentKey(), out);
            }
        } else if (p.timer == 0) {
            p.timer = ctx.timerService().currentProcessingTime() + options.publishEveryInterval().toMillis();
            ctx.timerService().registerProcessingTimeTimer(p.timer);
        }
        progress.update(p);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KeyedJson> out) throws Exception {
        TrainerProgress p = progress.value();
        if (p == null || p.timer != timestamp) {
            return;
        }
        // the next example sets the next timer, so an idle job does not wake up for nothing
        p.timer = 0;
        if (p.sinceRound > 0) {
            round(p, ctx.getCurrentKey(), out);
        }
        progress.update(p);
    }

    private TrainerProgress progress() throws IOException {
        TrainerProgress p = progress.value();
        if (p == null) {
            p = new TrainerProgress();
            p.servingVersion = startVersion;
            p.nextVersion = startVersion + 1;
            if (options.startModel() != null) {
                serving.update(options.startModel());
            }
        }
        metrics.servingVersion = p.servingVersion;
        return p;
    }

    /** One round: train, score, and publish or not. */
    private void round(TrainerProgress p, String name, Collector<KeyedJson> out) throws Exception {
        List<LabelledExample> train = new ArrayList<>();
        List<LabelledExample> heldOut = new ArrayList<>();
        for (long i = p.firstIndex; i < p.nextIndex; i++) {
            String json = examples.get(i);
            try {
                (options.heldOut(i) ? heldOut : train).add(LabelledExample.parse(json));
            } catch (InvalidElementException e) {
                // written by this operator from a parsed example, so only a format change can get here
                LOG.warn("skipping kept example {} that no longer parses: {}", i, e.getMessage());
            }
        }
        byte[] servingFile = serving.value();
        Model servingModel = servingFile == null ? null : ModelFile.fromBytes(servingFile, "serving version " + p.servingVersion);
        if (train.isEmpty()) {
            LOG.info("model {}: no training examples among the {} kept yet; waiting for more", name, p.kept());
            return;
        }
        if (servingModel != null && heldOut.isEmpty() && options.publish() == TrainingSettings.Publish.BETTER) {
            LOG.info("model {}: no held-out examples among the {} kept yet, so no version could be shown better; waiting for more",
                    name, p.kept());
            return;
        }
        byte[] workingFile = working.value();
        // a copy of the serving version, never the object itself: training changes weights in place,
        // and the serving version must be scored as it serves
        Model start = workingFile != null ? ModelFile.fromBytes(workingFile, "working model")
                : servingFile != null ? ModelFile.fromBytes(servingFile, "serving version " + p.servingVersion)
                : training.fresh(name, train);
        int round = ++p.rounds;
        p.sinceRound = 0;
        long t0 = System.nanoTime();
        Model candidate = training.train(start, train, round);
        long trainMillis = (System.nanoTime() - t0) / 1_000_000;
        // the next round goes on from here, published or not, so rounds that each fall short add up
        working.update(ModelFile.toBytes(candidate));
        metrics.rounds.inc();
        metrics.lastRoundMillis = trainMillis;

        Score score = heldOut.isEmpty() ? null : training.score(candidate, heldOut);
        Score servingScore = heldOut.isEmpty() || servingModel == null ? null : training.score(servingModel, heldOut);
        boolean publish = servingModel == null || options.publish() == TrainingSettings.Publish.ALWAYS || score.beats(servingScore);
        String versus = servingScore == null ? "" : " vs " + servingScore.value() + " of serving v" + p.servingVersion;
        if (!publish) {
            metrics.notBetter.inc();
            LOG.info("model {} round {}: trained on {} examples in {} ms; {} {}{}: not better, v{} keeps serving",
                    name, round, train.size(), trainMillis, score.metric(), score.value(), versus, p.servingVersion);
            return;
        }
        Map<String, Object> eval = new LinkedHashMap<>();
        if (score != null) {
            eval.putAll(score.figures());
        }
        if (servingScore != null) {
            eval.put("serving_version", p.servingVersion);
            eval.put("serving_" + servingScore.metric(), servingScore.value());
        }
        eval.put("trained_on", train.size());
        eval.put("round", round);
        int version = p.nextVersion;
        Model published = candidate.withMeta(new ModelMeta(name, version, provenance(servingModel, p.servingVersion, train.size(), round, eval)));
        byte[] file = ModelFile.toBytes(published);
        String uri = store.write(name, version, file);
        ModelAnnouncement a = ModelAnnouncement.at(name, version, uri, ModelFile.sha256Hex(file)).withEval(JSON.writeValueAsString(eval));
        if (options.signingKey() != null) {
            a = ModelSignatures.sign(a, options.signingKey());
        }
        out.collect(new KeyedJson(name, a.toJson()));
        serving.update(file);
        p.servingVersion = version;
        p.nextVersion = version + 1;
        metrics.published.inc();
        metrics.servingVersion = version;
        LOG.info("model {} round {}: trained on {} examples in {} ms; {}{}: published v{} at {}", name, round, train.size(), trainMillis,
                score == null ? "no held-out examples" : score.metric() + " " + score.value(), versus, version, uri);
    }

    private Map<String, Object> provenance(Model parent, int parentVersion, int examplesTrained, int round,
                                           Map<String, Object> eval) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", options.dataSource());
        m.put("examples", examplesTrained);
        m.put("round", round);
        if (parent != null) {
            m.put("previous_version", parent.name() + " v" + parentVersion);
            Map<String, Object> pp = parent.meta().provenance();
            // what the first ancestor learned from, and any attribution its data demands, carried one level only
            Object base = pp.containsKey("base_data") ? pp.get("base_data") : pp.containsKey("train_data") ? pp.get("train_data") : pp.get("data");
            if (base != null) {
                m.put("base_data", base);
            }
            if (pp.containsKey("attribution")) {
                m.put("attribution", pp.get("attribution"));
            }
        }
        m.put("trainer", training.settings());
        m.put("eval", eval);
        m.putAll(ModelMeta.platform());
        return m;
    }

    /** The trainer's metrics, under its metric group. */
    private static final class Metrics {
        final Counter examplesIn;
        final Counter rounds;
        final Counter published;
        final Counter notBetter;
        volatile long kept;
        volatile long lastRoundMillis;
        volatile int servingVersion;

        Metrics(org.apache.flink.metrics.MetricGroup g) {
            examplesIn = g.counter("examplesIn");
            rounds = g.counter("trainingRounds");
            published = g.counter("versionsPublished");
            notBetter = g.counter("roundsNotBetter");
            g.gauge("examplesKept", () -> kept);
            g.gauge("lastRoundMillis", () -> lastRoundMillis);
            g.gauge("servingVersion", () -> servingVersion);
        }
    }
}
