package io.stepwise.cli;

import io.stepwise.jobs.config.Durations;
import io.stepwise.jobs.config.JobOption;
import io.stepwise.jobs.config.KafkaJobSettings;
import io.stepwise.jobs.config.OptionGroup;
import io.stepwise.kafka.KafkaClient;
import io.stepwise.local.kafka.EmbeddedKafka;
import io.stepwise.pipeline.BenchRow;
import io.stepwise.pipeline.Delivery;
import io.stepwise.pipeline.InferenceJobOptions;
import io.stepwise.pipeline.PipelineBenchmark;
import io.stepwise.pipeline.PipelineSettings;
import io.stepwise.pipeline.PipelineTable;
import io.stepwise.pipeline.RowResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stepwise bench pipeline}: the end-to-end benchmark, elements/s and latency through Kafka,
 * of the inference job against a plain Kafka copy of the same records and against the same job with
 * a no-op model (docs/benchmarks.md, "End to end through Kafka").
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, modelTransformer = BenchPipelineCommand.Options.class,
        header = "Benchmarks the streaming pipeline end to end: elements/s and latency through Kafka.",
        customSynopsis = "stepwise bench pipeline [OPTIONS] [-- JOB_OPTION...]",
        description = {
            "Rows: a, a plain Kafka copy of the records; b, the inference job with a",
            "no-op model; c, the tutorial's tagger; d, an EWT-size tagger; e, the sum",
            "model; f, the streaming tagger that `train tagger --conllu` trains (character",
            "features, delay 2; random weights throughout). For each row and delivery it fills a topic with",
            "--elements elements of --streams interleaved streams and measures the",
            "steady elements/s through it; then it sends new elements at a fixed rate",
            "and measures the latency from an element's Kafka timestamp to its result",
            "being readable by a read_committed consumer. Every element must get exactly",
            "one result (row f: one tag at once and one final tag), or the benchmark fails.",
            "Options after -- go to the inference job, as `stepwise run infer` takes",
            "them, e.g. -- --idle-timeout 1h.",
            "Without --bootstrap it starts a Kafka broker in this JVM. A row takes about",
            "two minutes at the defaults on 2 cores, all twelve about 24; --only and",
            "--delivery choose fewer.",
            ""})
final class BenchPipelineCommand implements Callable<Integer> {

    /** The job's Kafka client options and its --checkpoint-interval, declared once in the jobs module. */
    static final class Options implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return JobOptions.addTo(spec, OPTION_GROUPS, BenchPipelineCommand::kafkaDefaults);
        }
    }

    static final List<OptionGroup<KafkaJobSettings.Builder>> OPTION_GROUPS = List.of(KafkaJobSettings.CLIENT_OPTIONS,
            new OptionGroup<>("Checkpoints", KafkaJobSettings.JOB_OPTIONS.options().stream()
                    .filter(o -> o.name().equals("--checkpoint-interval")).map(BenchPipelineCommand::alsoForTheCopy).toList()));

    private static JobOption<KafkaJobSettings.Builder> alsoForTheCopy(JobOption<KafkaJobSettings.Builder> o) {
        return new JobOption<>(o.names(), o.paramLabel(), o.description() + " The Kafka copy commits at the same interval.",
                o.defaultOf(), o.apply());
    }

    private static KafkaJobSettings.Builder kafkaDefaults() {
        return KafkaJobSettings.builder("stepwise-bench");
    }

    // 2,000,000 rather than 500,000: the job's rows run at 30,000-110,000 elements/s on 2 cores, so
    // 500,000 left 3-10 s after the warm-up, fewer than three checkpoint intervals, where a JIT ramp
    // or a start-up burst showed as several times the steady rate; filling takes seconds
    @Option(names = "--elements", paramLabel = "N", defaultValue = "2000000",
            description = "Elements pre-filled per row, each expecting one result; end markers come on top (default: ${DEFAULT-VALUE}).")
    long elements;

    @Option(names = "--streams", paramLabel = "K", defaultValue = "5000",
            description = "Interleaved streams (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--parallelism", paramLabel = "P",
            description = "Parallelism of the job, loops of the Kafka copy, partitions of the topics (default: the number of cores).")
    Integer parallelism;

    @Option(names = "--latency-rate", paramLabel = "PER_SECOND",
            description = "Elements per second of the latency phase (default: half of each row's measured elements/s).")
    Double latencyRate;

    @Option(names = "--latency-duration", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long the latency phase sends; its first 20%% are the warm-up (default: ${DEFAULT-VALUE}).")
    String latencyDuration;

    @Option(names = "--only", paramLabel = "ROWS", defaultValue = "a,b,c,d,e,f",
            description = "Rows to run, by letter (default: ${DEFAULT-VALUE}).")
    String only;

    @Option(names = "--delivery", paramLabel = "LIST", defaultValue = "exactly-once,at-least-once",
            description = "Deliveries to run each row with; at-least-once runs the job with --at-least-once (default: ${DEFAULT-VALUE}).")
    String delivery;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated streams (default: ${DEFAULT-VALUE}).")
    long seed;

    @Parameters(paramLabel = "JOB_OPTION", arity = "0..*",
            description = "After --: options for the inference job, as `stepwise run infer` takes them.")
    List<String> jobOptions = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        KafkaJobSettings.Builder kafkaOptions = JobOptions.settings(spec.commandLine().getParseResult(), OPTION_GROUPS,
                BenchPipelineCommand::kafkaDefaults);
        boolean external = spec.commandLine().getParseResult().hasMatchedOption("--bootstrap");
        if (!external && spec.commandLine().getParseResult().hasMatchedOption("--kafka-config")) {
            throw new IllegalArgumentException("--kafka-config needs --bootstrap: the in-JVM broker takes no client properties");
        }
        List<BenchRow> rows = BenchRow.parseList(only);
        List<Delivery> deliveries = Delivery.parseList(delivery);
        InferenceJobOptions.check(jobOptions);
        int p = parallelism != null ? parallelism : Runtime.getRuntime().availableProcessors();
        Duration latencyFor = Durations.parse(latencyDuration, "--latency-duration");
        Path work = Files.createTempDirectory("stepwise-bench-pipeline-");
        List<RowResult> results = new ArrayList<>();
        try (EmbeddedKafka embedded = external ? null : EmbeddedKafka.start(work.resolve("kafka"))) {
            KafkaClient kafka = external ? kafkaOptions.client() : KafkaClient.of(embedded.bootstrapServers());
            PipelineSettings settings = new PipelineSettings(kafka, elements, streams, p, kafkaOptions.checkpointInterval(), latencyRate,
                    latencyFor, jobOptions, work, seed);
            String setup = setup(settings, external);
            System.err.println(setup);
            PipelineBenchmark bench = new PipelineBenchmark(settings, Long.toString(System.currentTimeMillis(), 36), System.err);
            try {
                for (BenchRow row : rows) {
                    for (Delivery d : deliveries) {
                        RowResult r = bench.run(row, d);
                        results.add(r);
                        System.err.println("bench pipeline: " + PipelineTable.summary(r));
                    }
                }
            } catch (PipelineBenchmark.ExactlyOneResultViolated e) {
                if (!results.isEmpty()) {
                    out.print(PipelineTable.render(setup + "\n(stopped early: the next row failed its exactly-one-result check)", results,
                            settings.checkpointInterval()));
                }
                out.flush();
                spec.commandLine().getErr().println("stepwise bench pipeline: FAILED the exactly-one-result check, " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
            out.print(PipelineTable.render(setup, results, settings.checkpointInterval()));
            out.flush();
        } finally {
            deleteTree(work);
        }
        return 0;
    }

    private static String setup(PipelineSettings s, boolean external) {
        return String.format(Locale.ROOT,
                "stepwise bench pipeline: %,d elements per row from %,d interleaved streams (sentences of 4-28 words, end markers "
                        + "on top), parallelism %d, checkpoints every %s, Kafka %s, %d cores, Java %s%s",
                s.elements(), s.streams(), s.parallelism(), Durations.format(s.checkpointInterval()),
                external ? "at " + s.kafka().bootstrap() : "in this JVM", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), s.jobOptions().isEmpty() ? "" : ", job options " + String.join(" ", s.jobOptions()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
