package io.stepwise.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
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
import io.stepwise.jobs.inference.InferenceJobMain;
import io.stepwise.jobs.inference.InferenceSettings;
import io.stepwise.jobs.training.TrainingJobMain;
import io.stepwise.jobs.training.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine or Kubernetes runs here, so the Docker files are checked against the build
 * instead: the images and versions they name are the ones the project builds with, the paths they
 * copy from are the ones the build writes, and the Kubernetes manifest starts what the image holds.
 * ({@code .ci/run} also has docker-compose validate the compose file.)
 */
class DockerFilesTest {

    static Path root;
    static Map<String, String> pom;
    static String projectVersion;
    static String dockerfile;
    static Map<String, Object> compose;
    /** The documents of docker/flink-deployment.yaml, in order. */
    static List<Map<String, Object>> manifest;

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
        manifest = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(root.resolve("docker/flink-deployment.yaml")))) {
            manifest.add(map(document));
        }
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
    private static Map<String, Object> map(Object yaml) {
        return (Map<String, Object>) yaml;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object yaml) {
        return (List<Object>) yaml;
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

    /** The client's script, each command on one line (continuation lines joined). */
    @SuppressWarnings("unchecked")
    private static List<String> clientCommands() {
        List<String> command = (List<String>) service("client").get("command");
        String script = command.get(command.size() - 1).replaceAll("\\\\\n\\s*", "");
        return script.lines().map(String::trim).filter(l -> !l.startsWith("#") && (l.startsWith("stepwise ") || l.contains(" stepwise "))).toList();
    }

    /** The value after {@code option} on a command line, or null. */
    private static String option(String commandLine, String option) {
        Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(option) + "\\s+(\\S+)").matcher(commandLine);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void theClientMakesAKeyPairOnTheModelsVolumeSignsEveryVersionAndTheInferenceJobsTrustOnlyIt() {
        List<String> commands = clientCommands();
        String models = ((List<?>) service("client").get("volumes")).stream().map(String::valueOf)
                .filter(v -> v.startsWith("models:")).map(v -> v.substring("models:".length())).findFirst()
                .orElseThrow(() -> new AssertionError("the client mounts no models volume"));
        String generate = commands.stream().filter(c -> c.contains("stepwise keys generate")).findFirst()
                .orElseThrow(() -> new AssertionError("the client makes no key pair: " + commands));
        String keys = option(generate, "--out");
        assertThat(keys).as("the key folder").startsWith(models + "/");
        // made once: a client run again finds the key and keeps it (keys generate never replaces one)
        assertThat(generate).startsWith("test -f " + keys + "/signing-key.pem || ");

        List<String> infer = commands.stream().filter(c -> c.startsWith("stepwise run infer")).toList();
        List<String> signers = commands.stream().filter(c -> c.startsWith("stepwise run train") || c.startsWith("stepwise publish")).toList();
        assertThat(infer).hasSize(2);
        assertThat(signers).extracting(c -> c.split("\\s+")[1]).contains("run", "publish");
        assertThat(infer).allSatisfy(c -> assertThat(option(c, "--trusted-keys")).as(c).isEqualTo(keys + "/public-key.pem"));
        assertThat(signers).allSatisfy(c -> assertThat(option(c, "--signing-key")).as(c).isEqualTo(keys + "/signing-key.pem"));
        // the generated keys are used after they are made, and what publish announces by URI an inference job may fetch
        assertThat(commands.indexOf(generate)).isLessThan(commands.indexOf(infer.get(0)));
        for (String p : signers.stream().filter(c -> c.startsWith("stepwise publish")).toList()) {
            String uri = option(p, "--uri");
            String topic = option(p, "--model-topic");
            String job = infer.stream().filter(c -> topic.equals(option(c, "--model-topic"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no inference job reads " + topic));
            assertThat(uri).as(p).isEqualTo("file://" + option(p, "--model"));
            assertThat(uri).as(job).startsWith("file://" + option(job, "--model-uri-allow"));
        }
    }

    // ---- docker/flink-deployment.yaml: the Flink Kubernetes Operator's FlinkDeployments ----------

    private static List<Map<String, Object>> flinkDeployments() {
        List<Map<String, Object>> out = manifest.stream().filter(d -> "FlinkDeployment".equals(d.get("kind"))).toList();
        assertThat(out).as("FlinkDeployments in docker/flink-deployment.yaml").isNotEmpty();
        return out;
    }

    private static String name(Map<String, Object> doc) {
        return (String) map(doc.get("metadata")).get("name");
    }

    private static Map<String, Object> spec(Map<String, Object> deployment) {
        return map(deployment.get("spec"));
    }

    private static Map<String, Object> job(Map<String, Object> deployment) {
        return map(spec(deployment).get("job"));
    }

    private static Map<String, Object> flinkConfiguration(Map<String, Object> deployment) {
        return map(spec(deployment).get("flinkConfiguration"));
    }

    /** The value after {@code option} in the job's arguments, or null when the option is not there. */
    private static String argument(Map<String, Object> deployment, String option) {
        List<Object> args = list(job(deployment).get("args"));
        int i = args.indexOf(option);
        return i < 0 || i + 1 >= args.size() ? null : String.valueOf(args.get(i + 1));
    }

    /** The container paths at which the pods mount the persistent volume claim {@code claim}. */
    private static List<String> mountsOfClaim(Map<String, Object> deployment, String claim) {
        Map<String, Object> pod = map(map(spec(deployment).get("podTemplate")).get("spec"));
        List<String> volumes = list(pod.get("volumes")).stream().map(DockerFilesTest::map)
                .filter(v -> v.get("persistentVolumeClaim") != null
                        && claim.equals(map(v.get("persistentVolumeClaim")).get("claimName")))
                .map(v -> (String) v.get("name")).toList();
        List<String> mounts = new ArrayList<>();
        for (Object c : list(pod.get("containers"))) {
            Map<String, Object> container = map(c);
            // the operator merges its pod template into this container, the one running Flink
            if ("flink-main-container".equals(container.get("name"))) {
                list(container.get("volumeMounts")).stream().map(DockerFilesTest::map)
                        .filter(m -> volumes.contains(m.get("name"))).forEach(m -> mounts.add((String) m.get("mountPath")));
            }
        }
        return mounts;
    }

    @Test
    void everyFlinkDeploymentRunsTheImageTheDockerfileBuildsOnTheBuildsFlinkVersion() {
        String[] flink = pom.get("flink.version").split("\\.");
        for (Map<String, Object> d : flinkDeployments()) {
            assertThat(d.get("apiVersion")).as(name(d)).isEqualTo("flink.apache.org/v1beta1");
            assertThat(spec(d).get("image")).as(name(d)).isEqualTo("stepwise-flink:" + projectVersion)
                    .isEqualTo(service("jobmanager").get("image"));
            // the operator's FlinkVersion names a minor release: v2_2 for 2.2.x
            assertThat(spec(d).get("flinkVersion")).as(name(d)).isEqualTo("v" + flink[0] + "_" + flink[1]);
        }
    }

    @Test
    void theJobsRunFromTheJarWhereTheDockerfileCopiesIt() {
        String jobsJar = instructions("COPY").stream().map(c -> c.split("\\s+"))
                .filter(c -> c[0].equals("jobs/target/jobs-" + projectVersion + ".jar")).map(c -> c[1])
                .findFirst().orElseThrow(() -> new AssertionError("docker/Dockerfile copies no jobs jar"));
        for (Map<String, Object> d : flinkDeployments()) {
            // application mode: the jar is already in the image (local://), nothing is uploaded
            assertThat(job(d).get("jarURI")).as(name(d)).isEqualTo("local://" + jobsJar);
        }
    }

    @Test
    void theEntryClassesAreOnTheClassPathWithAMainMethod() {
        for (Map<String, Object> d : flinkDeployments()) {
            String entryClass = (String) job(d).get("entryClass");
            assertThat(entryClass).as(name(d) + ": entryClass").startsWith("io.stepwise.jobs.");
            Class<?> c;
            try {
                c = Class.forName(entryClass, false, getClass().getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(name(d) + " starts " + entryClass + ", which is not on the class path "
                        + "(the jobs module must have it, or the manifest names the wrong class)", e);
            }
            Method main;
            try {
                main = c.getMethod("main", String[].class);
            } catch (NoSuchMethodException e) {
                throw new AssertionError(entryClass + " has no public main(String[]) for Flink to start", e);
            }
            assertThat(Modifier.isStatic(main.getModifiers())).as("%s.main is static", entryClass).isTrue();
            assertThat(main.getReturnType()).as("%s.main returns", entryClass).isEqualTo(void.class);
        }
    }

    @Test
    void everyJvmGetsTheBuildsJvmFlagsAndTheFlagsTheComposeFileGives() {
        String flags = pom.get("stepwise.jvm.flags").replaceAll("\\s*-Dorg.bytedeco.javacpp.cachedir=\\S+", "");
        String composeFlags = Pattern.compile("env\\.java\\.opts\\.taskmanager: (.*)")
                .matcher((String) ((Map<?, ?>) service("taskmanager").get("environment")).get("FLINK_PROPERTIES"))
                .results().map(m -> m.group(1).trim()).findFirst().orElseThrow();
        for (Map<String, Object> d : flinkDeployments()) {
            String opts = (String) flinkConfiguration(d).get("env.java.opts.all");
            assertThat(opts).as(name(d) + ": env.java.opts.all").isEqualTo(composeFlags);
            assertThat(opts.replaceAll("\\s*-Dorg.bytedeco.javacpp.cachedir=\\S+", "")).as(name(d)).isEqualTo(flags);
            Matcher cache = Pattern.compile("-Dorg.bytedeco.javacpp.cachedir=(\\S+)").matcher(opts);
            assertThat(cache.find()).as(name(d) + ": a JavaCPP cache folder").isTrue();
            assertThat(dockerfile).as("the image prepares the JavaCPP cache folder").contains("mkdir -p").contains(" " + cache.group(1));
            assertThat(flinkConfiguration(d).get("classloader.parent-first-patterns.additional")).as(name(d))
                    .isEqualTo("org.nd4j.;org.bytedeco.");
        }
    }

    @Test
    void checkpointsAndSavepointsGoToTheMountedClaimWithRocksDbAndSavepointUpgrades() {
        List<String> claims = manifest.stream().filter(doc -> "PersistentVolumeClaim".equals(doc.get("kind")))
                .map(DockerFilesTest::name).toList();
        assertThat(claims).as("the manifest brings its volume claim").hasSize(1);
        for (Map<String, Object> d : flinkDeployments()) {
            Map<String, Object> conf = flinkConfiguration(d);
            List<String> mounts = mountsOfClaim(d, claims.get(0));
            for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir", "high-availability.storageDir")) {
                assertThat(String.valueOf(conf.get(key))).as("%s: %s", name(d), key).startsWith("file:///")
                        .satisfies(uri -> assertThat(mounts).as("%s: mounts of %s", name(d), claims.get(0)).contains(uri.substring("file://".length())));
            }
            assertThat(conf).as(name(d)).containsEntry("state.backend.type", "rocksdb")
                    .containsEntry("execution.checkpointing.incremental", "true");
            assertThat(job(d)).as(name(d)).containsEntry("upgradeMode", "savepoint");
            // the arguments are options the entry class takes: its own parser reads them without complaint
            String[] args = list(job(d).get("args")).stream().map(String::valueOf).toArray(String[]::new);
            String entry = String.valueOf(job(d).get("entryClass"));
            assertThat(entry).as(name(d)).isIn(InferenceJobMain.class.getName(), TrainingJobMain.class.getName());
            if (entry.equals(InferenceJobMain.class.getName())) {
                assertThat(InferenceSettings.parse(args).kafka().kafka().bootstrap()).as(name(d)).isEqualTo(argument(d, "--bootstrap"));
            } else {
                assertThat(TrainingSettings.parse(args).kafka().kafka().bootstrap()).as(name(d)).isEqualTo(argument(d, "--bootstrap"));
            }
            String modelDir = argument(d, "--model-dir");
            if (modelDir != null) {
                assertThat(mounts).as("%s: --model-dir on the shared volume", name(d)).contains(modelDir.replaceFirst("^file://", ""));
            }
        }
    }

    @Test
    void theInferenceJobMayReadTheFilesTheTrainingJobAnnounces() {
        Map<String, Object> inference = flinkDeployments().stream()
                .filter(d -> InferenceJobMain.class.getName().equals(job(d).get("entryClass"))).findFirst().orElseThrow();
        String modelDir = flinkDeployments().stream().map(d -> argument(d, "--model-dir")).filter(java.util.Objects::nonNull)
                .findFirst().orElseThrow();
        String[] args = list(job(inference).get("args")).stream().map(String::valueOf).toArray(String[]::new);

        var locations = InferenceSettings.parse(args).serving().admission().locations();

        assertThat(locations.refusal(modelDir.replaceFirst("/?$", "/") + "tagger-v2.stepwise")).isNull();
        assertThat(locations.refusal("file:///etc/passwd")).isNotNull();
    }
}
