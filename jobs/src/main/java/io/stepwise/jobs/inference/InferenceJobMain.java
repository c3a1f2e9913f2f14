package io.stepwise.jobs.inference;

import io.stepwise.jobs.config.OptionGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The inference job's entry point for Flink's own launchers: {@code flink run -c
 * io.stepwise.jobs.inference.InferenceJobMain jobs.jar ARGS}, and application mode (the Flink
 * Kubernetes Operator's {@code FlinkDeployment}, YARN). It takes the options of
 * {@code stepwise run infer} ({@link InferenceSettings#OPTIONS}; {@code --help} lists them) and
 * runs on the environment Flink gives it; parallelism, state backend and checkpoint storage come
 * from Flink's configuration ({@code -p}, {@code -D}, {@code config.yaml}).
 */
public final class InferenceJobMain {

    private InferenceJobMain() {
    }

    public static void main(String[] args) throws Exception {
        if (OptionGroup.wantsHelp(args)) {
            System.out.print(InferenceSettings.usage("flink run -c " + InferenceJobMain.class.getName() + " jobs.jar"));
            return;
        }
        InferenceSettings s = InferenceSettings.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        try (Prepared job = prepare(env, s)) {
            env.execute(job.name());
            job.finish();
        }
    }

    /**
     * The job added to {@code env}: on Kafka, or over a recording, whose results become one file once
     * the job has ended ({@link Prepared#finish}). Close it to remove a recording run's work folder.
     */
    public static Prepared prepare(StreamExecutionEnvironment env, InferenceSettings s) throws IOException {
        if (s.recording() == null) {
            KafkaInference.configure(env, s);
            return new Prepared(s, null);
        }
        Path work = Files.createTempDirectory("stepwise-recording-");
        RecordingInference.configure(env, s, work);
        return new Prepared(s, work);
    }

    /** An inference job added to an environment, and what remains to do once it has run. */
    public static final class Prepared implements AutoCloseable {
        private final InferenceSettings settings;
        private final Path work;

        Prepared(InferenceSettings settings, Path work) {
            this.settings = settings;
            this.work = work;
        }

        public String name() {
            return settings.recording() == null
                    ? "stepwise infer " + settings.inputTopic() + " -> " + settings.outputTopic()
                    : "stepwise infer over " + settings.recording().getFileName();
        }

        /** Whether the job ends by itself and leaves a results file to write (a run over a recording). */
        public boolean overRecording() {
            return work != null;
        }

        /** After a run over a recording: its results, sorted, in the output file; returns how many. */
        public long finish() throws IOException {
            if (work == null) {
                return -1;
            }
            long n = RecordingInference.finish(work, settings);
            System.err.println("stepwise: " + n + " results written to " + settings.output() + " (dead letters: "
                    + settings.deadLetterOutput() + ")");
            return n;
        }

        @Override
        public void close() throws IOException {
            if (work != null) {
                try (Stream<Path> paths = Files.walk(work)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
