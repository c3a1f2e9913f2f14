package io.stepwise.local.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JobManager's or TaskManager's memory flags, derived as Flink's own start scripts derive them:
 * {@code BashJavaUtils GET_TM_RESOURCE_PARAMS --configDir DIR} (or {@code GET_JM_…}) splits the
 * configured process size into heap, direct memory, metaspace and so on, and prints two result
 * lines: the JVM flags ({@code -Xmx… -Xms… -XX:MaxDirectMemorySize=…}) and the derived sizes as
 * dynamic properties ({@code -D taskmanager.memory.task.heap.size=…b …}) for the process's
 * arguments, so that the process and its JVM agree on every size.
 *
 * @param jvmArgs       flags for the JVM
 * @param dynamicConfig arguments for the entry point, pairs of {@code -D} and {@code key=value}
 */
record ProcessMemory(List<String> jvmArgs, List<String> dynamicConfig) {

    static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    enum Role {
        JOB_MANAGER("GET_JM_RESOURCE_PARAMS"), TASK_MANAGER("GET_TM_RESOURCE_PARAMS");

        final String command;

        Role(String command) {
            this.command = command;
        }
    }

    static ProcessMemory derive(Role role, Path confDir, String classpath) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ClusterJvm.java(), "-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
                role.command, "--configDir", confDir.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("Flink's BashJavaUtils " + role.command + " failed:\n" + output.strip());
        }
        return parse(role, output);
    }

    /** The two result lines among BashJavaUtils' log output, as Flink's {@code extractExecutionResults} takes them. */
    static ProcessMemory parse(Role role, String output) throws IOException {
        List<String> results = new ArrayList<>();
        output.lines().filter(l -> l.startsWith(RESULT_PREFIX)).forEach(l -> results.add(l.substring(RESULT_PREFIX.length()).trim()));
        if (results.size() != 2) {
            throw new IOException("Flink's BashJavaUtils " + role.command + " printed " + results.size()
                    + " result lines, expected 2:\n" + output.strip());
        }
        return new ProcessMemory(words(results.get(0)), words(results.get(1)));
    }

    private static List<String> words(String line) {
        return line.isEmpty() ? List.of() : List.of(line.split("\\s+"));
    }
}
