package io.stepwise.cli;

import io.stepwise.jobs.training.KafkaTraining;
import io.stepwise.jobs.training.TrainingJobMain;
import io.stepwise.jobs.training.TrainingSettings;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stepwise run train}: the side training job on Kafka. */
@Command(name = "train", mixinStandardHelpOptions = true, modelTransformer = RunTrainCommand.Options.class,
        header = "Runs the side training job: learns from labelled examples, publishes better model versions.",
        description = {
            "Reads labelled examples from --examples-topic: {\"tokens\":[...],\"tags\":[...]} for a tagger,",
            "{\"values\":[...]} (targets: the running sums, unless \"targets\" gives them) for a sum model.",
            "Bad examples go to the dead-letter topic with the reason. The job keeps the latest examples",
            "(some held out for evaluation) in checkpointed state and, every --publish-every examples or",
            "DURATION, trains the model further for one bounded round. When the result beats the serving",
            "version on the held-out examples (or always, with --publish always), it writes the model file",
            "to --model-dir and announces it on --model-topic with its scores, for the inference jobs to",
            "pick up. Version numbers are checkpointed: they keep increasing across restarts.",
            "Topics that don't exist are created. The job's own options are those of",
            "`flink run -c io.stepwise.jobs.training.TrainingJobMain jobs.jar`."})
final class RunTrainCommand implements Callable<Integer> {

    /** The job's options, declared in the jobs module (TrainingSettings), shown and taken here. */
    static final class Options implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return JobOptions.addTo(spec, TrainingSettings.OPTIONS, TrainingSettings.Builder::new);
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    RunCommand.Cluster cluster;

    @Override
    public Integer call() throws Exception {
        TrainingSettings s = settings();
        System.err.println("stepwise: training " + s.kind().id() + " model '" + s.name() + "' from topic " + s.examplesTopic()
                + ", announcing on " + s.modelTopic() + ", files in " + s.modelDir());
        StreamExecutionEnvironment env = cluster.environment();
        KafkaTraining.configure(env, s);
        cluster.execute(env, TrainingJobMain.name(s));
        return 0;
    }

    /** The job's settings from the options, every one checked before anything starts. */
    TrainingSettings settings() {
        return JobOptions.settings(spec.commandLine().getParseResult(), TrainingSettings.OPTIONS, TrainingSettings.Builder::new).build();
    }
}
