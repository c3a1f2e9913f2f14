package io.stepwise.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.wire.Element;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Savepoints taken by earlier releases restore into this code's inference job, and every stream
 * goes on as if the job had never stopped. Each release committed, per job, a savepoint taken with
 * its streams in mid-sequence, the model and both halves of the input ({@link SavepointGenerator},
 * under {@code migration/<release>/}). The test restores the savepoint, feeds the second half and
 * compares with this code run from scratch over both halves, uninterrupted; a run that starts the
 * second half without the savepoint must differ, or the comparison would prove nothing.
 */
class SavepointMigrationTest {

    /** Every release whose savepoints must still restore; add each release's folder, keep the old ones. */
    private static final List<String> RELEASES = List.of("0.1");
    private static final List<String> JOBS = List.of("tagger", "sum");

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(MigrationJob.PARALLELISM)
            .build());

    static Stream<ReleaseSavepoint> committed() {
        return RELEASES.stream().flatMap(r -> JOBS.stream().map(j -> ReleaseSavepoint.committed(r, j)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committed")
    void streamsGoOnFromTheSavepointAsIfTheJobHadNeverStopped(ReleaseSavepoint release, @TempDir Path tmp) throws Exception {
        Halves input = release.halves();
        byte[] model = Files.readAllBytes(release.model());
        // restored from a copy elsewhere: the committed folder must be all a restore needs
        Path savepoint = copy(release.savepoint(), tmp.resolve("savepoint"));

        // no announcement after the restore: the version must come from the savepoint's broadcast state
        Run restored = run(tmp.resolve("restored"), input.second(), null, savepoint);
        Run uninterrupted = run(tmp.resolve("uninterrupted"), input.both(), model, null);
        Run withoutSavepoint = run(tmp.resolve("without-savepoint"), input.second(), model, null);

        assertThat(restored.keys()).as("one result per second-half element; resent elements dropped by the restored seq")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(input.secondHalfResultKeys());
        assertThat(restored.deadLetters()).isEmpty();
        Set<String> allKeys = new TreeSet<>(input.firstHalfResultKeys());
        allKeys.addAll(input.secondHalfResultKeys());
        assertThat(uninterrupted.keys()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(allKeys);

        // the baseline is sound: this code computes the first half as the release did
        assertThat(ResultDiff.between(committedResults(release), uninterrupted.only(input.firstHalfResultKeys())))
                .as("this code over the first half vs %s's first-half results", release.dir()).isEmpty();

        Map<String, JsonNode> expected = uninterrupted.only(input.secondHalfResultKeys());
        assertThat(ResultDiff.between(expected, restored.only(input.secondHalfResultKeys())))
                .as("second half after restoring %s vs the same code run uninterrupted", release.dir()).isEmpty();

        // every stream was cut in mid-sequence: started over without its state, each one goes wrong
        // (a stream cut after its first word, whose resend then rebuilds the very same state, shows
        // it by the result for the resend, which only the restored seq drops)
        assertThat(ResultDiff.streams(ResultDiff.between(expected, withoutSavepoint.all())))
                .as("streams whose second half differs without the savepoint").containsExactlyInAnyOrderElementsOf(input.streams());
    }

    /**
     * The restored job's sources are not the generator's, so their state (the files read) stays
     * behind, which is why the restore allows non-restored state. This keeps that allowance to the
     * sources: every operator with state in the savepoint but not in this job is one of them, and
     * the inference operator's state is there to be restored.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("committed")
    void onlyTheGeneratorsSourcesLeaveStateBehind(ReleaseSavepoint release, @TempDir Path tmp) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Path empty = Files.writeString(tmp.resolve("empty.jsonl"), "");
        MigrationJob.addTo(env, MigrationJob.once(empty), MigrationJob.once(empty), "test-");
        Set<String> uids = new HashSet<>();
        for (StreamNode n : env.getStreamGraph().getStreamNodes()) {
            uids.add(n.getTransformationUID());
        }
        Map<String, Long> withState = stateBytesByUid(release.savepoint());

        assertThat(withState).containsKey("running-inference");
        Set<String> leftBehind = new TreeSet<>(withState.keySet());
        leftBehind.removeAll(uids);
        assertThat(leftBehind).containsExactlyInAnyOrder("generator-elements", "generator-model-records");
    }

    // ---- runs ----------------------------------------------------------------------------------

    /** A run's results, parsed, in arrival order, and its dead letters. */
    private record Run(List<JsonNode> results, List<KeyedJson> deadLetters) {

        List<String> keys() {
            return results.stream().map(SavepointMigrationTest::key).toList();
        }

        /** All results, by stream#seq. */
        Map<String, JsonNode> all() {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            results.forEach(r -> out.put(key(r), r));
            return out;
        }

        /** The results of {@code keys}, by stream#seq. */
        Map<String, JsonNode> only(Set<String> keys) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            for (JsonNode r : results) {
                if (keys.contains(key(r))) {
                    out.put(key(r), r);
                }
            }
            return out;
        }
    }

    /**
     * This code's inference job over {@code elements}, after an inline announcement of
     * {@code model} (unless null), restored from {@code savepoint} (unless null). Bounded sources:
     * the job ends when everything is processed.
     */
    private static Run run(Path dir, List<Element> elements, byte[] model, Path savepoint) throws Exception {
        Files.createDirectories(dir);
        Path elementFile = dir.resolve("elements.jsonl");
        Halves.write(elements, elementFile);
        Path modelRecords = Files.writeString(dir.resolve("model-records.jsonl"), model == null ? "" : announcement(model) + "\n",
                StandardCharsets.UTF_8);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MigrationJob job = MigrationJob.addTo(env, MigrationJob.once(elementFile), MigrationJob.once(modelRecords), "test-");
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("inference " + dir.getFileName());
        if (savepoint != null) {
            // non-restored state allowed for the generator's sources only (onlyTheGeneratorsSourcesLeaveStateBehind)
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint.toUri().toString(), true));
        }
        env.execute(graph);
        List<JsonNode> results = new ArrayList<>();
        for (KeyedJson r : job.results()) {
            results.add(JSON.readTree(r.json()));
        }
        return new Run(results, job.deadLetters());
    }

    private static String announcement(byte[] file) {
        Model m = ModelFile.fromBytes(file, "the committed model");
        return ModelAnnouncement.inline(m.name(), m.version(), file, ModelFile.sha256Hex(file)).toJson();
    }

    private static Map<String, JsonNode> committedResults(ReleaseSavepoint release) throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(release.firstHalfResults(), StandardCharsets.UTF_8)) {
            JsonNode n = JSON.readTree(line);
            out.put(key(n), n);
        }
        return out;
    }

    private static String key(JsonNode result) {
        return Halves.key(result.get("stream").asText(), result.get("seq").asLong());
    }

    // ---- the savepoint -------------------------------------------------------------------------

    private static Path copy(Path savepoint, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(savepoint)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /** The bytes of state (operator, keyed and coordinator state) per operator uid, of the operators that have some. */
    private static Map<String, Long> stateBytesByUid(Path savepoint) throws IOException {
        CheckpointMetadata metadata;
        try (InputStream in = Files.newInputStream(savepoint.resolve("_metadata"))) {
            metadata = Checkpoints.loadCheckpointMetadata(new DataInputStream(in), SavepointMigrationTest.class.getClassLoader(),
                    savepoint.toUri().toString());
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (OperatorState s : metadata.getOperatorStates()) {
            long bytes = s.getStateSize();
            if (bytes > 0) {
                out.put(s.getOperatorUid().orElse(s.getOperatorID().toString()), bytes);
            }
        }
        return out;
    }
}
