package io.stepwise.jobs.training;

import io.stepwise.jobs.config.OptionGroup;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The side training job's entry point for Flink's own launchers: {@code flink run -c
 * io.stepwise.jobs.training.TrainingJobMain jobs.jar ARGS}, and application mode. It takes the
 * options of {@code stepwise run train} ({@link TrainingSettings#OPTIONS}; {@code --help} lists
 * them) and runs on the environment Flink gives it.
 */
public final class TrainingJobMain {

    private TrainingJobMain() {
    }

    public static void main(String[] args) throws Exception {
        if (OptionGroup.wantsHelp(args)) {
            System.out.print(TrainingSettings.usage("flink run -c " + TrainingJobMain.class.getName() + " jobs.jar"));
            return;
        }
        TrainingSettings s = TrainingSettings.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaTraining.configure(env, s);
        env.execute(name(s));
    }

    public static String name(TrainingSettings s) {
        return "stepwise train " + s.name() + " from " + s.examplesTopic();
    }
}
