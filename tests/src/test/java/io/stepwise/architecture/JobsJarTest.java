package io.stepwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stepwise.jobs.inference.InferenceJob;
import io.stepwise.local.cluster.ClusterClasspath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The jobs jar is what a Flink cluster receives (`run infer --jobmanager`, `flink run`, application
 * mode): it must hold the jobs and nothing of the command line, the demo, plots or the local
 * tooling, whose libraries a cluster does not have.
 */
class JobsJarTest {

    @Test
    void theJobsJarHoldsTheJobsAndNothingOfTheCommandLine() throws IOException {
        Path jar = ClusterClasspath.codeOf(InferenceJob.class);
        assumeTrue(jar.toString().endsWith(".jar"), "the jobs module is on the class path as classes, not packaged yet: " + jar);
        List<String> classes;
        try (JarFile j = new JarFile(jar.toFile())) {
            classes = j.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
        }
        assertThat(classes).isNotEmpty()
                .allMatch(n -> n.startsWith("io/stepwise/jobs/") || n.startsWith("io/stepwise/predict/"),
                        "a class of the jobs or predict packages")
                .contains("io/stepwise/jobs/inference/InferenceJob.class");
        assertThat(classes).noneMatch(n -> n.startsWith("io/stepwise/cli/") || n.startsWith("io/stepwise/demo/")
                || n.startsWith("io/stepwise/local/") || n.startsWith("picocli/") || n.startsWith("org/knowm/"));
    }
}
