package io.stepwise.jobs.training;

import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.LabelledExample;
import io.stepwise.wire.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The side training job: labelled examples from a source, parsed (bad ones to dead letters), kept
 * and trained on by one {@link TrainAndPublish}, new model versions announced to a sink (key = model
 * name) for the inference jobs to pick up. The job takes its source and sinks from outside, so the
 * same job runs on Kafka and in a test.
 */
public final class TrainingJob {

    public static final OutputTag<KeyedJson> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(KeyedJson.class));

    private final Source<RawRecord, ?, ?> examples;
    private final Sink<KeyedJson> modelVersions;
    private final Sink<KeyedJson> deadLetters;
    private final TrainingSettings options;

    public TrainingJob(Source<RawRecord, ?, ?> examples, Sink<KeyedJson> modelVersions, Sink<KeyedJson> deadLetters, TrainingSettings options) {
        this.examples = examples;
        this.modelVersions = modelVersions;
        this.deadLetters = deadLetters;
        this.options = options;
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        build(env, "");
    }

    /** Adds the job's operators with {@code prefix} before every uid, so that it can share a Flink job with others. */
    public void build(StreamExecutionEnvironment env, String prefix) {
        SingleOutputStreamOperator<LabelledExample> parsed = env
                .fromSource(examples, WatermarkStrategy.noWatermarks(), prefix + "examples", TypeInformation.of(RawRecord.class))
                .uid(prefix + "examples-source")
                .process(new ParseExamples(options.kind())).uid(prefix + "parse-examples").name("parse examples");
        // one model, one trainer: every example goes to the same key and the one parallel instance
        SingleOutputStreamOperator<KeyedJson> versions = parsed
                .keyBy(new ModelName(options.name()))
                .process(new TrainAndPublish(options)).uid(prefix + "model-trainer").name("model trainer")
                .setParallelism(1).setMaxParallelism(1);
        versions.sinkTo(modelVersions).uid(prefix + "model-versions-sink").name("model versions").setParallelism(1);
        parsed.getSideOutput(DEAD_LETTERS).sinkTo(deadLetters).uid(prefix + "example-dead-letters-sink").name("dead letters");
    }

    /** Keys every example by the model's name. */
    static final class ModelName implements KeySelector<LabelledExample, String> {
        private final String name;

        ModelName(String name) {
            this.name = name;
        }

        @Override
        public String getKey(LabelledExample e) {
            return name;
        }
    }
}
