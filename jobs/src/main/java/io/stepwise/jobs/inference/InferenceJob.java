package io.stepwise.jobs.inference;

import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.RawRecord;
import io.stepwise.wire.SourcedElement;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The inference job: elements from a source, parsed (bad ones to dead letters), keyed by stream,
 * one LSTM step each against the model version broadcast from the model stream, results to a sink.
 * The job takes its sources and sinks from outside, so the same job runs on Kafka, on a recording
 * and in a test.
 */
public final class InferenceJob {

    private final Source<RawRecord, ?, ?> elements;
    private final Source<RawRecord, ?, ?> modelVersions;
    private final Sink<KeyedJson> results;
    private final Sink<KeyedJson> deadLetters;
    private final ServingSettings options;
    private final byte[] initialModel;

    public InferenceJob(Source<RawRecord, ?, ?> elements, Source<RawRecord, ?, ?> modelVersions,
                        Sink<KeyedJson> results, Sink<KeyedJson> deadLetters, ServingSettings options, byte[] initialModel) {
        this.elements = elements;
        this.modelVersions = modelVersions;
        this.results = results;
        this.deadLetters = deadLetters;
        this.options = options;
        this.initialModel = initialModel;
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        build(env, "");
    }

    /**
     * Adds the job's operators with {@code prefix} before every operator uid and name, so that
     * several inference pipelines (one per model) can share one Flink job.
     */
    public void build(StreamExecutionEnvironment env, String prefix) {
        TypeInformation<RawRecord> raw = TypeInformation.of(RawRecord.class);
        DataStream<RawRecord> elementRecords = env
                .fromSource(elements, WatermarkStrategy.noWatermarks(), prefix + "elements", raw).uid(prefix + "elements-source");
        DataStream<RawRecord> modelRecords = env
                .fromSource(modelVersions, WatermarkStrategy.noWatermarks(), prefix + "model versions", raw).uid(prefix + "model-versions-source")
                .setParallelism(1);
        wire(elementRecords, modelRecords, results, deadLetters, options, initialModel, prefix);
    }

    /**
     * The job's operators after its sources: parse, key by stream, one step per element against the
     * broadcast model versions, results and dead letters to their sinks. Replays call this with
     * both record streams cut from one recording.
     */
    public static void wire(DataStream<RawRecord> elementRecords, DataStream<RawRecord> modelRecords, Sink<KeyedJson> results,
                            Sink<KeyedJson> deadLetters, ServingSettings options, byte[] initialModel, String prefix) {
        SingleOutputStreamOperator<SourcedElement> parsed = elementRecords
                .process(new ParseElements()).uid(prefix + "parse-elements").name("parse elements");
        SingleOutputStreamOperator<ModelAnnouncement> announcements = modelRecords
                .process(new ParseAnnouncements()).uid(prefix + "parse-model-versions").name("parse model versions")
                .setParallelism(1);
        BroadcastStream<ModelAnnouncement> broadcast = announcements.broadcast(RunningInference.MODEL_VERSIONS, RunningInference.MODEL_VERSION_TIMES);

        SingleOutputStreamOperator<KeyedJson> out = parsed
                .keyBy(SourcedElement::stream)
                .connect(broadcast)
                .process(new RunningInference(options, initialModel)).uid(prefix + "running-inference").name("running inference");
        out.sinkTo(results).uid(prefix + "results-sink").name("results");

        DataStream<KeyedJson> dead = parsed.getSideOutput(RunningInference.DEAD_LETTERS)
                .union(announcements.getSideOutput(RunningInference.DEAD_LETTERS), out.getSideOutput(RunningInference.DEAD_LETTERS));
        dead.sinkTo(deadLetters).uid(prefix + "dead-letters-sink").name("dead letters");
    }
}
