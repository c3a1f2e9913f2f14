package io.stepwise.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkClusterConfigTest {

    @TempDir
    Path dir;

    @Test
    void flinkReadsTheGeneratedConfigAsWritten() throws Exception {
        ClusterLayout layout = new ClusterLayout(dir);
        ClusterSettings settings = ClusterSettings.defaults().withSlots(3).withPorts(18181, 16161).with("heartbeat.timeout", "20 s");
        new FlinkClusterConfig(layout, settings).write(layout.configFile());

        Configuration c = GlobalConfiguration.loadConfiguration(layout.conf().toString());
        assertThat(c.get(RestOptions.PORT)).isEqualTo(18181);
        assertThat(c.get(JobManagerOptions.PORT)).isEqualTo(16161);
        assertThat(c.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(3);
        assertThat(c.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY)).isEqualTo(MemorySize.parse("1g"));
        assertThat(c.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(layout.checkpoints().toUri().toString());
        assertThat(c.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEqualTo(layout.savepoints().toUri().toString());
        assertThat(c.getString("heartbeat.timeout", null)).isEqualTo("20 s");
        assertThat(List.of(c.get(CoreOptions.FLINK_JVM_OPTIONS).split(" ")))
                .contains("jdk.incubator.vector", "-Dorg.bytedeco.javacpp.nopointergc=true", "--add-opens=java.base/java.util=ALL-UNNAMED")
                .anyMatch(o -> o.startsWith("-Dorg.bytedeco.javacpp.cachedir="));
        assertThat(CoreOptions.getParentFirstLoaderPatterns(c)).contains("org.nd4j.", "org.bytedeco.");
    }

    @Test
    void taskManagerMemoryFlagsAreWhatFlinksScriptsDeriveAndLeaveTheTasksRoomOnOneGigabyte() throws Exception {
        ClusterLayout layout = new ClusterLayout(dir);
        new FlinkClusterConfig(layout, ClusterSettings.defaults()).write(layout.configFile());

        ProcessMemory tm = ProcessMemory.derive(ProcessMemory.Role.TASK_MANAGER, layout.conf(), System.getProperty("java.class.path"));

        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(
                GlobalConfiguration.loadConfiguration(layout.conf().toString()));
        long heap = spec.getJvmHeapMemorySize().getBytes();
        assertThat(tm.jvmArgs()).contains("-Xmx" + heap, "-Xms" + heap,
                "-XX:MaxDirectMemorySize=" + spec.getJvmDirectMemorySize().getBytes(),
                "-XX:MaxMetaspaceSize=" + spec.getJvmMetaspaceSize().getBytes());
        assertThat(tm.dynamicConfig()).contains("taskmanager.memory.task.heap.size=" + spec.getTaskHeapSize().getBytes() + "b");
        assertThat(tm.dynamicConfig()).filteredOn(a -> !a.equals("-D")).allMatch(a -> a.contains("="));
        assertThat(spec.getTaskHeapSize().getMebiBytes()).as("heap for the tasks").isGreaterThanOrEqualTo(200);
    }

    @Test
    void resultLinesAreFoundAmongLogOutputAndAnythingElseIsAnError() throws Exception {
        String out = """
                INFO  BashJavaUtils - Final TaskExecutor Memory configuration:
                BASH_JAVA_UTILS_EXEC_RESULT:-Xmx100 -Xms100
                BASH_JAVA_UTILS_EXEC_RESULT:-D a=1b -D b=2
                """;
        ProcessMemory m = ProcessMemory.parse(ProcessMemory.Role.TASK_MANAGER, out);
        assertThat(m.jvmArgs()).containsExactly("-Xmx100", "-Xms100");
        assertThat(m.dynamicConfig()).containsExactly("-D", "a=1b", "-D", "b=2");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProcessMemory.parse(ProcessMemory.Role.JOB_MANAGER, "no results"))
                .hasMessageContaining("0 result lines, expected 2");
    }
}
