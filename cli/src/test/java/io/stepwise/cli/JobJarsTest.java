package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.local.cluster.ClusterClasspath;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJarsTest {

    @TempDir
    Path work;

    private static List<String> thisJvmsClasspath() {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    }

    @Test
    void aClusterWithEverythingGetsTheJobCodeAlone() throws Exception {
        List<Path> jars = JobJars.forCluster(thisJvmsClasspath(), work);

        assertThat(jars).hasSize(1);
        try (JarFile jar = new JarFile(jars.get(0).toFile())) {
            assertThat(jar.getEntry("io/stepwise/jobs/inference/InferenceJob.class")).isNotNull();
        }
    }

    @Test
    void aStockFlinkGetsStepwiseTheKafkaConnectorKafkaAndJacksonButNotNd4j() throws Exception {
        List<String> stockFlink = List.of("/opt/flink/lib/flink-dist-2.2.0.jar", "/opt/flink/lib/log4j-core-2.24.3.jar");

        List<Path> jars = JobJars.forCluster(stockFlink, work);

        assertThat(jars.get(0)).satisfies(j -> assertThat(Files.isRegularFile(j)).isTrue());
        assertThat(jars.stream().map(this::classesIn)).anyMatch(c -> c.contains("io/stepwise/tensor/Tensor.class"))
                .anyMatch(c -> c.contains("io/stepwise/wire/Element.class"))
                .anyMatch(c -> c.contains("org/apache/flink/connector/kafka/source/KafkaSource.class"))
                .anyMatch(c -> c.contains("org/apache/kafka/clients/producer/KafkaProducer.class"))
                .anyMatch(c -> c.contains("com/fasterxml/jackson/databind/ObjectMapper.class"))
                .noneMatch(c -> c.contains("org/nd4j/linalg/factory/Nd4j.class"));
        assertThat(JobJars.hasNd4j(stockFlink)).isFalse();
        assertThat(JobJars.hasNd4j(thisJvmsClasspath())).isTrue();
    }

    @Test
    void aJarInTheClustersLibFolderCountsAsTheSameJar() {
        Path kafkaClients = ClusterClasspath.codeOf(org.apache.kafka.clients.producer.KafkaProducer.class);
        assertThat(JobJars.onCluster(kafkaClients, List.of("/opt/flink/lib/" + kafkaClients.getFileName()))).isTrue();
        assertThat(JobJars.onCluster(kafkaClients, List.of("/opt/flink/lib/kafka-clients-0.0.1.jar"))).isFalse();
    }

    private String classesIn(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            return String.join("\n", j.stream().map(e -> e.getName()).toList());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
