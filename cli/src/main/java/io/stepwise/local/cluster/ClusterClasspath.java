package io.stepwise.local.cluster;

import io.stepwise.jobs.inference.InferenceJob;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path of a local cluster's processes: this JVM's own, which holds Flink (runtime, web
 * UI, RocksDB backend), the Kafka connector, ND4J with its native OpenBLAS, and Stepwise's
 * libraries, less the jobs themselves. The jobs arrive in a job jar at submission, so that a
 * rebuilt job runs without restarting the cluster, while ND4J's native libraries load once per
 * TaskManager rather than once per job.
 */
public final class ClusterClasspath {

    private ClusterClasspath() {
    }

    /** The entries for the cluster, from this JVM's class path. */
    public static List<Path> ofThisJvm() {
        Path jobCode = jobCode();
        List<Path> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath().normalize();
            String name = p.getFileName().toString();
            // test code (a test module's classes, test jars of dependencies) has no place on a cluster
            if (p.equals(jobCode) || name.equals("test-classes") || name.endsWith("-tests.jar") || !Files.exists(p)) {
                continue;
            }
            out.add(p);
        }
        return out;
    }

    /** The jar or classes folder holding Stepwise's Flink jobs: what a job jar carries. */
    public static Path jobCode() {
        return codeOf(InferenceJob.class);
    }

    /** The jar or classes folder {@code type} was loaded from. */
    public static Path codeOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where " + type.getName() + " was loaded from", e);
        }
    }

    public static String join(List<Path> entries) {
        List<String> s = new ArrayList<>();
        entries.forEach(p -> s.add(p.toString()));
        return String.join(File.pathSeparator, s);
    }
}
