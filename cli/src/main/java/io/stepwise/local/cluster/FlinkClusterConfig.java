package io.stepwise.local.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * The Flink 2.x {@code config.yaml} of a local cluster. The JVM options Flink's scripts would read
 * from it ({@code env.java.opts.*}) are kept here too, so that the processes this project starts
 * get exactly what the file says.
 */
final class FlinkClusterConfig {

    private final Map<String, String> entries = new LinkedHashMap<>();
    private final List<String> javaOptsAll;

    FlinkClusterConfig(ClusterLayout layout, ClusterSettings s) {
        javaOptsAll = new ArrayList<>(ClusterJvm.FLINK_JAVA17_OPENS);
        javaOptsAll.addAll(ClusterJvm.stepwiseFlags(layout.dir().resolve("javacpp-cache")));

        put(JobManagerOptions.ADDRESS.key(), "localhost");
        put(JobManagerOptions.PORT.key(), s.rpcPort());
        put(JobManagerOptions.BIND_HOST.key(), "localhost");
        put(JobManagerOptions.TOTAL_PROCESS_MEMORY.key(), s.jobManagerMemory());
        put(RestOptions.ADDRESS.key(), "localhost");
        put(RestOptions.BIND_ADDRESS.key(), "localhost");
        put(RestOptions.PORT.key(), s.restPort());
        put(TaskManagerOptions.HOST.key(), "localhost");
        put(TaskManagerOptions.BIND_HOST.key(), "localhost");
        put(TaskManagerOptions.NUM_TASK_SLOTS.key(), s.slots());
        put(TaskManagerOptions.TOTAL_PROCESS_MEMORY.key(), s.taskManagerMemory());
        // 1 GB leaves the tasks only ~25 MB of heap with Flink's defaults (256 MB metaspace, 40%
        // managed memory that only RocksDB uses); these give the tasks about 240 MB
        put(TaskManagerOptions.JVM_METASPACE.key(), "192m");
        put(TaskManagerOptions.JVM_OVERHEAD_MIN.key(), "128m");
        put(TaskManagerOptions.MANAGED_MEMORY_FRACTION.key(), "0.2");
        // parallel subtasks go to different TaskManagers while slots are free there
        put(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE.key(), "SLOTS");
        put(StateBackendOptions.STATE_BACKEND.key(), "hashmap");
        put(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(), layout.checkpoints().toUri().toString());
        put(CheckpointingOptions.SAVEPOINT_DIRECTORY.key(), layout.savepoints().toUri().toString());
        put(CoreOptions.TMP_DIRS.key(), layout.tmp().toString());
        // ND4J's natives must load once per process, from the cluster's class path, even when a
        // job jar carries its own copy
        put(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL.key(), "org.nd4j.;org.bytedeco.");
        put(CoreOptions.FLINK_JVM_OPTIONS.key(), String.join(" ", javaOptsAll));
        s.extraConfig().forEach(this::put);
    }

    private void put(String key, Object value) {
        entries.put(key, String.valueOf(value));
    }

    String get(String key) {
        return entries.get(key);
    }

    /** {@code env.java.opts.all}. */
    List<String> javaOptsAll() {
        return List.of(entries.get(CoreOptions.FLINK_JVM_OPTIONS.key()).trim().split("\\s+"));
    }

    /** {@code env.java.opts.jobmanager} or {@code .taskmanager}, when the extra config sets them. */
    List<String> javaOpts(String key) {
        String v = entries.get(key);
        return v == null || v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder yaml = new StringBuilder("# Written by `stepwise cluster start`; rewritten on every start.\n");
        entries.forEach((k, v) -> yaml.append(k).append(": ").append(quoted(v)).append('\n'));
        Files.writeString(file, yaml);
    }

    private static String quoted(String v) {
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
