package io.stepwise.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.model.Vocabulary;
import io.stepwise.train.SumTrainer;
import io.stepwise.train.TrainingListener;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Writes the savepoints that {@link SavepointMigrationTest} restores, one per inference job (a
 * tagger and a sum model), with the model, the input before and after the savepoint and the results
 * before it. Not a test: run it once per release, with that release's code, into
 * {@code migration/<release>/}, and keep the older releases' folders, since the point is that a
 * savepoint taken by an older Stepwise still restores into the current one.
 *
 * <pre>
 * ./mvnw -B -q -pl tests -am test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
 * java --add-modules jdk.incubator.vector \
 *     -cp tests/target/test-classes:$(cat tests/target/test.classpath) \
 *     io.stepwise.migration.SavepointGenerator tests/src/test/resources/migration/0.1
 * </pre>
 *
 * <p>Each job runs the production operators ({@link MigrationJob}) on a local MiniCluster, reads the
 * model announcement and the first half from watched folders, so that it never ends by itself, and
 * is stopped with a canonical savepoint once every first-half element has its result. The input
 * and the tagger are the same on every run (fixed seeds); the sum model nearly (SumTrainer's first
 * run in a JVM varies in the last bits with JIT warm-up, by about 1e-4 after 300 steps); the
 * savepoint bytes not at all (job ids, timer times). Hence the files are committed, not rebuilt.
 */
public final class SavepointGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final List<String> WORDS = List.of("the", "a", "dog", "cat", "ate", "saw", "apple", "book", "red", "old",
            "quickly", "and", "she", "he", "read", "that");
    static final List<String> TAGS = List.of("DET", "NOUN", "VERB", "ADJ", "ADV", "CCONJ", "PRON");
    static final int STREAMS = 50;

    private SavepointGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SavepointGenerator TARGET_FOLDER   (e.g. tests/src/test/resources/migration/0.1)");
            System.exit(2);
        }
        Path target = Path.of(args[0]);
        generate(new ReleaseSavepoint(target.resolve("tagger")), tagger(), Halves.sentences(STREAMS, WORDS, 17));
        generate(new ReleaseSavepoint(target.resolve("sum")), sum(), Halves.meters(STREAMS, 23));
    }

    /**
     * Random weights (PyTorch's default initialisation, seed 7), untrained: its tags mean nothing,
     * but each one depends on the stream's state, which is what the savepoint must carry.
     */
    static TaggerModel tagger() {
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("weights", "PyTorch's default initialisation from seed 7, untrained");
        provenance.put("generator", SavepointGenerator.class.getName());
        return new TaggerModel(new ModelMeta("tagger", 3, provenance), Vocabulary.withUnknown(WORDS), Vocabulary.closed(TAGS),
                8, 12, 1).initRandom(7);
    }

    /** Trained briefly with a fixed seed: its running sums are roughly right, so a lost sum shows. */
    static SumModel sum() {
        SumTrainer trainer = new SumTrainer(SumTrainer.gradientRecipe().toBuilder().hiddenSize(16).maxLength(64).steps(300).seed(5).build());
        Map<String, Object> provenance = new LinkedHashMap<>(trainer.settings().provenance());
        provenance.put("generator", SavepointGenerator.class.getName());
        return trainer.train(new ModelMeta("sum", 2, provenance), TrainingListener.NONE).model();
    }

    static void generate(ReleaseSavepoint out, Model model, Halves input) throws Exception {
        Files.createDirectories(out.dir());
        ModelFile.write(model, out.model());
        Halves.write(input.first(), out.firstHalf());
        Halves.write(input.second(), out.secondHalf());
        byte[] file = Files.readAllBytes(out.model());
        String announcement = ModelAnnouncement.inline(model.name(), model.version(), file, ModelFile.sha256Hex(file)).toJson();

        Path work = Files.createTempDirectory("stepwise-savepoint-");
        List<JsonNode> results = firstHalfThenSavepoint(out.job(), announcement, input, work);
        Files.write(out.firstHalfResults(), results.stream().map(JsonNode::toString).toList(), StandardCharsets.UTF_8);
        copySavepoint(work.resolve("savepoints"), out.savepoint());
        deleteRecursively(work);
        System.out.printf("%s: %d streams, %d elements before the savepoint and %d after, %s: %d bytes%n", out.job(),
                input.streams().size(), input.first().size(), input.second().size(), out.savepoint(),
                Files.size(out.savepoint().resolve("_metadata")));
    }

    /**
     * Runs the job over the announcement and the first half, from watched folders under
     * {@code work}, and stops it with a savepoint under {@code work/savepoints} once every
     * first-half element has its result; returns the results, checked to be one per element.
     */
    private static List<JsonNode> firstHalfThenSavepoint(String name, String announcement, Halves input, Path work) throws Exception {
        Path elements = Files.createDirectories(work.resolve("elements"));
        Path modelRecords = Files.createDirectories(work.resolve("model-records"));
        // both files are complete before the job starts, so the watching sources never see half a file
        Files.writeString(modelRecords.resolve("announcement.jsonl"), announcement + "\n", StandardCharsets.UTF_8);
        Halves.write(input.first(), elements.resolve("first-half.jsonl"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(MigrationJob.PARALLELISM);
        MigrationJob job = MigrationJob.addTo(env, MigrationJob.watching(elements), MigrationJob.watching(modelRecords), "generator-");
        JobClient client = env.executeAsync(name + " inference, first half");

        // Each stream's first half ends in a word (it is cut in mid-sequence), and a stream's
        // elements are processed in order: when every word has its result, every element is done.
        Set<String> expected = input.firstHalfResultKeys();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (job.results().size() < expected.size()) {
            if (System.nanoTime() > deadline || client.getJobStatus().get().isTerminalState()) {
                client.cancel();
                throw new IllegalStateException(name + ": " + job.results().size() + " of " + expected.size()
                        + " first-half results, job " + client.getJobStatus().get());
            }
            Thread.sleep(100);
        }
        client.stopWithSavepoint(false, work.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get();
        client.getJobExecutionResult().get();

        List<JsonNode> results = sorted(job.results());
        Set<String> got = new TreeSet<>();
        for (JsonNode r : results) {
            if (!got.add(Halves.key(r.get("stream").asText(), r.get("seq").asLong()))) {
                throw new IllegalStateException(name + ": two results for " + r);
            }
        }
        if (!got.equals(expected) || !job.deadLetters().isEmpty()) {
            throw new IllegalStateException(name + ": the first-half results are not one per element (" + got.size() + " for "
                    + expected.size() + ") or there are dead letters: " + job.deadLetters());
        }
        return results;
    }

    /**
     * Copies the one savepoint under {@code savepoints} into the resources. It must be a single
     * {@code _metadata} file: the state is small enough to be inlined there, so the folder moves
     * without state files (and stays well under a megabyte in the repository).
     */
    private static void copySavepoint(Path savepoints, Path to) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(savepoints)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        if (files.size() != 1 || !files.get(0).getFileName().toString().equals("_metadata")) {
            throw new IllegalStateException("the savepoint under " + savepoints + " is not one _metadata file: " + files);
        }
        if (Files.isDirectory(to)) {
            deleteRecursively(to);
        }
        Files.createDirectories(to);
        Files.copy(files.get(0), to.resolve("_metadata"));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The results by stream, then seq, as the replay job writes them. */
    private static List<JsonNode> sorted(List<KeyedJson> records) {
        List<JsonNode> out = new ArrayList<>();
        for (KeyedJson r : records) {
            try {
                out.add(JSON.readTree(r.json()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.sort(Comparator.comparing((JsonNode n) -> n.get("stream").asText()).thenComparingLong(n -> n.get("seq").asLong()));
        return out;
    }
}
