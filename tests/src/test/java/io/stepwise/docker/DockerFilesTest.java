package io.stepwise.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so the Docker files are checked against the build instead: the
 * images and versions they name are the ones the project builds with, and the paths they copy
 * from are the ones the build writes. ({@code .ci/run} also has docker-compose validate the file.)
 */
class DockerFilesTest {

    static Path root;
    static Map<String, String> pom;
    static String projectVersion;
    static String dockerfile;
    static Map<String, Object> compose;

    @BeforeAll
    static void read() throws Exception {
        root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("docker/compose.yaml"))) {
            root = root.getParent();
        }
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
        Element project = doc.getDocumentElement();
        projectVersion = child(project, "version").getTextContent().trim();
        pom = new java.util.HashMap<>();
        var props = child(project, "properties").getChildNodes();
        for (int i = 0; i < props.getLength(); i++) {
            if (props.item(i) instanceof Element e) {
                pom.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        dockerfile = Files.readString(root.resolve("docker/Dockerfile"));
        compose = new Yaml().load(Files.readString(root.resolve("docker/compose.yaml")));
    }

    private static Element child(Element parent, String tag) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        throw new IllegalStateException("no <" + tag + "> in the parent pom");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
    }

    private static List<String> instructions(String keyword) {
        List<String> out = new ArrayList<>();
        dockerfile.lines().map(String::trim).filter(l -> l.startsWith(keyword + " ")).forEach(l -> out.add(l.substring(keyword.length() + 1).trim()));
        return out;
    }

    @Test
    void theImageIsTheOfficialFlinkImageOfTheBuildsFlinkAndJavaVersions() {
        assertThat(instructions("FROM")).containsExactly("flink:" + pom.get("flink.version") + "-java" + pom.get("maven.compiler.release"));
    }

    @Test
    void kafkaIsTheOfficialImageOfTheBuildsKafkaVersion() {
        assertThat(service("kafka").get("image")).isEqualTo("apache/kafka:" + pom.get("kafka.version"));
    }

    @Test
    void everyFlinkServiceRunsTheImageBuiltFromTheDockerfile() {
        for (String s : List.of("jobmanager", "taskmanager", "client")) {
            assertThat(service(s).get("image")).as(s).isEqualTo("stepwise-flink:" + projectVersion);
            assertThat(service(s).get("build")).as(s).isEqualTo(Map.of("context", "..", "dockerfile", "docker/Dockerfile"));
        }
        assertThat(dockerfile).contains("-t stepwise-flink:" + projectVersion);
    }

    @Test
    void theDockerfileCopiesWhatTheBuildWrites() throws IOException {
        List<String> sources = instructions("COPY").stream().map(c -> c.split("\\s+")[0]).toList();
        assertThat(sources).containsExactly("docker/target/flink-lib/", "jobs/target/jobs-" + projectVersion + ".jar",
                "cli/target/cli-" + projectVersion + ".jar", "docker/target/cli-lib/", "docker/stepwise.sh");
        // docker/pom.xml writes the two lib folders; the jobs and cli modules their jars (artifactId and version)
        String dockerPom = Files.readString(root.resolve("docker/pom.xml"));
        assertThat(dockerPom).contains("${project.build.directory}/flink-lib", "${project.build.directory}/cli-lib");
        assertThat(Files.readString(root.resolve("jobs/pom.xml"))).contains("<artifactId>jobs</artifactId>");
        assertThat(Files.readString(root.resolve("cli/pom.xml"))).contains("<artifactId>cli</artifactId>");
        assertThat(root.resolve("docker/stepwise.sh")).isRegularFile();
    }

    @Test
    void theCommandLineInTheImageUsesTheCopiedJarsAndTheBuildsJvmFlags() throws IOException {
        String launcher = Files.readString(root.resolve("docker/stepwise.sh"));
        assertThat(dockerfile).contains("/opt/stepwise/jobs.jar", "/opt/stepwise/cli.jar", "/opt/stepwise/lib/",
                "/opt/stepwise/bin/stepwise");
        assertThat(launcher).contains("/opt/stepwise/cli.jar:/opt/stepwise/jobs.jar:/opt/stepwise/lib/*:/opt/flink/lib/*");
        String flinkProperties = (String) ((Map<?, ?>) service("jobmanager").get("environment")).get("FLINK_PROPERTIES");
        // the flags the build gives every JVM that runs the LSTM kernels, less the build's own cache folder
        String flags = pom.get("stepwise.jvm.flags").replaceAll("\\s*-Dorg.bytedeco.javacpp.cachedir=\\S+", "");
        assertThat(flinkProperties).contains("env.java.opts.jobmanager: " + flags, "env.java.opts.taskmanager: " + flags);
        assertThat(launcher.replaceAll("\\s*\\\\\\n\\s*", " ")).contains(flags);
    }

    @Test
    void prometheusScrapesThePortTheReporterListensOn() throws IOException {
        String flinkProperties = (String) ((Map<?, ?>) service("taskmanager").get("environment")).get("FLINK_PROPERTIES");
        Matcher port = Pattern.compile("metrics\\.reporter\\.prom\\.port: (\\d+)").matcher(flinkProperties);
        assertThat(port.find()).isTrue();
        assertThat(flinkProperties).contains("metrics.reporters: prom",
                "metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        String prometheus = Files.readString(root.resolve("docker/prometheus.yml"));
        assertThat(prometheus).contains("jobmanager:" + port.group(1), "port: " + port.group(1));
    }

    @Test
    void theFlinkLibFolderHoldsStepwiseNd4jAndTheKafkaConnectorButNoSecondFlinkOrLogging() throws IOException {
        Path lib = root.resolve("docker/target/flink-lib");
        assumeTrue(Files.isDirectory(lib), "docker/target/flink-lib is written by `package` (./mvnw -B verify); not built yet");
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(jars).contains("lstm-core-" + projectVersion + ".jar", "connectors-" + projectVersion + ".jar",
                "nd4j-native-" + pom.get("nd4j.version") + "-linux-x86_64.jar",
                "openblas-" + pom.get("openblas.version") + "-linux-x86_64.jar",
                "javacpp-" + pom.get("javacpp.version") + "-linux-x86_64.jar",
                "flink-connector-kafka-" + pom.get("flink.kafka.version") + ".jar",
                "kafka-clients-" + pom.get("kafka.version") + ".jar",
                "jackson-databind-" + pom.get("jackson.version") + ".jar");
        assertThat(jars).noneMatch(j -> j.matches("flink-(core|runtime|streaming-java|clients|dist).*|slf4j-.*|log4j-.*|junit-.*|picocli-.*"));
    }
}
