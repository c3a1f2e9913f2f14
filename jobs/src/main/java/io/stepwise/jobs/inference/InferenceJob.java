package io.stepwise.jobs.inference;

import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.RawRecord;
import io.stepwise.wire.SourcedElement;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * The inference job, read top to bottom: element records are parsed (bad ones to dead letters),
 * keyed by stream and stepped by {@link RunningInference} against the model versions broadcast from
 * the model records; results and dead letters go to their sinks. It takes its streams and sinks from
 * outside, so the same job runs on Kafka ({@link KafkaInference}), over a recording
 * ({@link RecordingInference}) and in tests.
 */
public final class InferenceJob {

    /** Records that could not be used, with the reason: every operator of the job sends them here. */
    public static final OutputTag<KeyedJson> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(KeyedJson.class));

    private InferenceJob() {
    }

    /**
     * Adds the job's operators after its sources: {@code elementRecords} and {@code modelRecords}
     * (the latter at parallelism 1); {@code prefix} goes before every operator uid and name, so that
     * several pipelines (one per model) can share one Flink job.
     */
    public static void wire(DataStream<RawRecord> elementRecords, DataStream<RawRecord> modelRecords, Sink<KeyedJson> results,
                            Sink<KeyedJson> deadLetters, ServingSettings settings, byte[] initialModel, String prefix) {
        wire(elementRecords, modelRecords, results, deadLetters, null, settings, initialModel, prefix);
    }

    /**
     * {@link #wire(DataStream, DataStream, Sink, Sink, ServingSettings, byte[], String)} with the dead
     * letters of what comes before the job's operators ({@code sourceDeadLetters}, null when none: the
     * unreadable lines of a recording) going to the same dead-letter sink.
     */
    public static void wire(DataStream<RawRecord> elementRecords, DataStream<RawRecord> modelRecords, Sink<KeyedJson> results,
                            Sink<KeyedJson> deadLetters, DataStream<KeyedJson> sourceDeadLetters, ServingSettings settings,
                            byte[] initialModel, String prefix) {
        // Every operator here hands on new, immutable records and keeps only what came over the
        // network (fresh objects there, reuse or not), so chained operators may pass them on without
        // Flink's defensive copy: the source's copy of each record for the parser was 6% of its thread.
        elementRecords.getExecutionEnvironment().getConfig().enableObjectReuse();
        SingleOutputStreamOperator<SourcedElement> elements = elementRecords
                .process(new ParseElements()).uid(prefix + "parse-elements").name(prefix + "parse elements");
        SingleOutputStreamOperator<ModelAnnouncement> announcements = modelRecords
                .process(new ParseAnnouncements()).uid(prefix + "parse-model-versions").name(prefix + "parse model versions")
                .setParallelism(1);

        SingleOutputStreamOperator<KeyedJson> out = elements
                .keyBy(SourcedElement::stream)
                .connect(announcements.broadcast())
                .transform(prefix + "running inference", TypeInformation.of(KeyedJson.class),
                        new RunningInference(settings, initialModel))
                .uid(prefix + "running-inference");
        out.sinkTo(results).uid(prefix + "results-sink").name(prefix + "results");

        DataStream<KeyedJson> letters = elements.getSideOutput(DEAD_LETTERS)
                .union(announcements.getSideOutput(DEAD_LETTERS), out.getSideOutput(DEAD_LETTERS));
        if (sourceDeadLetters != null) {
            letters = letters.union(sourceDeadLetters);
        }
        letters.sinkTo(deadLetters).uid(prefix + "dead-letters-sink").name(prefix + "dead letters");
    }
}
