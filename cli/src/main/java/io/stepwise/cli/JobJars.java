package io.stepwise.cli;

import io.stepwise.local.cluster.ClusterClasspath;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The jars a job submitted to a Flink cluster ships with it: the jobs' own jar always, and of the
 * libraries the jobs need beyond Flink (Stepwise's modules, the Kafka connector, Kafka's client,
 * Jackson) those the cluster's class path lacks. A cluster started with {@code stepwise cluster
 * start}, or the Docker image, has them all, so the job jar goes alone. ND4J is never shipped: it
 * belongs on the cluster's class path (with the Vector API flags in env.java.opts), where its
 * native libraries load once per TaskManager rather than once per job class loader.
 */
final class JobJars {

    /** One class from each library a job needs that a stock Flink distribution lacks. */
    private static final List<String> NEEDED = List.of(
            "io.stepwise.tensor.Tensor",
            "io.stepwise.wire.Element",
            "org.apache.flink.connector.kafka.source.KafkaSource",
            "org.apache.flink.connector.base.source.reader.SourceReaderBase",
            "org.apache.kafka.clients.producer.KafkaProducer",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.core.JsonFactory",
            "com.fasterxml.jackson.annotation.JsonProperty");

    private JobJars() {
    }

    /**
     * The jars to ship to a cluster whose JobManager has {@code clusterClasspath}; class folders
     * (a build without jars) are packed into jars under {@code workDir}.
     */
    static List<Path> forCluster(List<String> clusterClasspath, Path workDir) throws IOException {
        Set<Path> ship = new LinkedHashSet<>();
        ship.add(ClusterClasspath.jobCode());
        for (String name : NEEDED) {
            Path code;
            try {
                code = ClusterClasspath.codeOf(Class.forName(name, false, JobJars.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("the class path lacks " + name + "; run through ./stepwise, which builds it");
            }
            if (!onCluster(code, clusterClasspath)) {
                ship.add(code);
            }
        }
        List<Path> jars = new ArrayList<>();
        for (Path p : ship) {
            jars.add(Files.isDirectory(p) ? packed(p, workDir) : p);
        }
        return jars;
    }

    /** Whether the cluster has {@code entry}: the same path, or a jar of the same name (a copy in its lib folder). */
    static boolean onCluster(Path entry, List<String> clusterClasspath) {
        for (String c : clusterClasspath) {
            Path p = Path.of(c).toAbsolutePath().normalize();
            if (p.equals(entry) || (entry.toString().endsWith(".jar") && p.getFileName() != null
                    && p.getFileName().equals(entry.getFileName()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether ND4J's native backend is on the cluster's class path; without it the LSTM kernels cannot load. */
    static boolean hasNd4j(List<String> clusterClasspath) {
        return clusterClasspath.stream().anyMatch(c -> Path.of(c).getFileName() != null
                && Path.of(c).getFileName().toString().startsWith("nd4j-native"));
    }

    private static Path packed(Path classes, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        // named after the module folder (jobs/target/classes -> jobs-classes.jar) so the jars stay apart
        Path module = classes.getParent() != null && classes.getParent().getParent() != null
                ? classes.getParent().getParent().getFileName() : classes.getFileName();
        Path jar = workDir.resolve(module + "-classes.jar");
        jar.toFile().deleteOnExit();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
        return jar;
    }
}
