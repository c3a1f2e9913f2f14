package io.stepwise.jobs.inference;

import io.stepwise.jobs.config.JobOption;
import io.stepwise.jobs.config.KafkaJobSettings;
import io.stepwise.jobs.config.OptionGroup;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the inference job is run with, built one way ({@link Builder}, which holds every
 * default) and declared once as options ({@link #OPTIONS}): the same options for
 * {@code stepwise run infer}, for {@code flink run -c InferenceJobMain} and for application mode.
 *
 * <p>The job reads elements from Kafka ({@code kafka} and the topics), or from a recording
 * ({@code recording}, results to the {@code output} file), and serves them with the operator's
 * {@code serving} settings, starting from {@code initialModel} when one is given.
 *
 * @param kafka           how the job meets Kafka; null for a run over a recording
 * @param inputTopic      elements (key = stream id); in a recording, the recorded topic that holds them
 * @param outputTopic     results (Kafka runs)
 * @param modelTopic      model version announcements (key = model name), read from the beginning
 * @param deadLetterTopic records that could not be used, with the reason
 * @param initialModel    a model file served from the start, until a newer version is announced; may be null
 * @param serving         the keyed operator's settings
 * @param recording       a recording to run over instead of Kafka; null for a Kafka run
 * @param output          the results file of a run over a recording
 */
public record InferenceSettings(KafkaJobSettings kafka, String inputTopic, String outputTopic, String modelTopic,
                                String deadLetterTopic, byte[] initialModel, ServingSettings serving, Path recording, Path output) {

    public InferenceSettings {
        require(inputTopic, "--input-topic");
        require(modelTopic, "--model-topic");
        if (recording == null) {
            if (kafka == null) {
                throw new IllegalArgumentException("--bootstrap is required (or --recording FILE --output FILE)");
            }
            require(outputTopic, "--output-topic");
        } else if (output == null) {
            throw new IllegalArgumentException("--recording needs --output FILE");
        }
    }

    private static void require(String value, String option) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(option + " is required");
        }
    }

    /** The dead-letter file beside the results file of a recording run. */
    public Path deadLetterOutput() {
        return output.resolveSibling(output.getFileName() + ".dead-letters");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings {@code args} give, with every default; a bad argument throws IllegalArgumentException. */
    public static InferenceSettings parse(String[] args) {
        return OptionGroup.parse(args, OPTIONS, Builder::new).build();
    }

    public static String usage(String command) {
        return OptionGroup.usage(command, OPTIONS, Builder::new);
    }

    /** Builds {@link InferenceSettings}; every field starts at its default. */
    public static final class Builder {
        private final KafkaJobSettings.Builder kafka = KafkaJobSettings.builder("stepwise-infer");
        private final ServingSettings.Builder serving = ServingSettings.builder();
        private String inputTopic;
        private String outputTopic;
        private String modelTopic;
        private String deadLetterTopic;
        private byte[] initialModel;
        private Path recording;
        private Path output;

        /** The Kafka part, to set; a run over a recording leaves it aside. */
        public KafkaJobSettings.Builder kafka() {
            return kafka;
        }

        public ServingSettings.Builder serving() {
            return serving;
        }

        public Builder bootstrap(String servers) {
            kafka().bootstrap(servers);
            return this;
        }

        public Builder inputTopic(String t) {
            inputTopic = t;
            return this;
        }

        public Builder outputTopic(String t) {
            outputTopic = t;
            return this;
        }

        public Builder modelTopic(String t) {
            modelTopic = t;
            return this;
        }

        public Builder deadLetterTopic(String t) {
            deadLetterTopic = t;
            return this;
        }

        /** Serve this model file from the start; it also names the model served, unless --model-name does. */
        public Builder initialModel(byte[] file) {
            initialModel = file;
            return this;
        }

        /** Serve this model file from the start; its folder is where announced files may come from, unless --model-uri-allow says. */
        public Builder initialModel(Path file) {
            try {
                initialModel(Files.readAllBytes(file));
                serving.defaultModelFolder(file.toAbsolutePath().getParent());
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException("--model " + file + ": " + e.getMessage(), e);
            }
        }

        public Builder recording(Path file) {
            recording = file;
            return this;
        }

        public Builder output(Path file) {
            output = file;
            return this;
        }

        public InferenceSettings build() {
            ServingSettings s = serving.build();
            if (initialModel != null && s.modelName() == null) {
                Model m = ModelFile.fromBytes(initialModel, "--model", s.admission().limits());
                s = s.toBuilder().modelName(m.name()).build();
            }
            String dlq = deadLetterTopic != null ? deadLetterTopic : outputTopic == null ? null : outputTopic + "-dead-letters";
            return new InferenceSettings(recording != null ? null : kafka.build(), inputTopic, outputTopic, modelTopic,
                    dlq, initialModel, s, recording, output);
        }
    }

    /** The topics the job reads and writes. */
    static final OptionGroup<Builder> TOPICS = new OptionGroup<>("Topics",
            JobOption.<Builder>value("--input-topic", "TOPIC",
                    "Elements, JSON (wire format v1); with --recording, the recorded topic that holds them.", null, Builder::inputTopic),
            JobOption.<Builder>value("--output-topic", "TOPIC", "Results, JSON (not with --recording).", null, Builder::outputTopic),
            JobOption.<Builder>value("--model-topic", "TOPIC",
                    "Model version announcements, read from the beginning (with --recording: the recorded topic).", null,
                    Builder::modelTopic),
            JobOption.<Builder>value("--dead-letter-topic", "TOPIC",
                    "Records that could not be used (default: <output-topic>-dead-letters).", null, Builder::deadLetterTopic));

    /** Where the served model starts, and runs over a recording. */
    static final OptionGroup<Builder> MODEL_AND_RECORDING = new OptionGroup<>("Model and recordings",
            JobOption.<Builder>value("--model", "FILE", "Serve this model file from the start (else wait for the model topic).",
                    null, (b, v) -> b.initialModel(Path.of(v))),
            JobOption.<Builder>value("--recording", "FILE",
                    "Run over a recording ('stepwise record') instead of Kafka: event time from the recorded order, "
                            + "model versions in force where they were recorded; results to --output.",
                    null, (b, v) -> b.recording(Path.of(v))).alias("--replay"),
            JobOption.<Builder>value("--output", "FILE", "With --recording: the results file (dead letters beside it, .dead-letters).",
                    null, (b, v) -> b.output(Path.of(v))));

    /** Every option of the inference job, in the order its usage lists them. */
    public static final List<OptionGroup<Builder>> OPTIONS = List.of(
            KafkaJobSettings.CLIENT_OPTIONS.on(Builder::kafka), KafkaJobSettings.JOB_OPTIONS.on(Builder::kafka), TOPICS, MODEL_AND_RECORDING, ServingSettings.OPTIONS.on(Builder::serving),
            ServingSettings.TRUST_OPTIONS.on(Builder::serving));
}
