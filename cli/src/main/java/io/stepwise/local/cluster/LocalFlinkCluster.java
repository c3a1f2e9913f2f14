package io.stepwise.local.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * A standalone Flink session cluster on this machine, one JVM per process as on real machines: a
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers
 * ({@code TaskManagerRunner}), started from this project's own Flink dependencies with a generated
 * {@code config.yaml}, each with the memory flags Flink's start scripts would give it. The
 * processes outlive the JVM that started them; their PIDs are kept in {@code DIR/pids}, so that
 * {@link #stop(Path, Duration)} finds them from anywhere.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final ClusterLayout layout;
    private final ClusterSettings settings;
    private final FlinkClusterConfig config;
    private final String classpath;
    private final FlinkRest rest;
    private final Path classpathArgs;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final List<Long> killed = new ArrayList<>();
    private ProcessMemory taskManagerMemory;
    private int taskManagersStarted;

    private LocalFlinkCluster(ClusterLayout layout, ClusterSettings settings, List<Path> classpath) {
        this.layout = layout;
        this.settings = settings;
        this.config = new FlinkClusterConfig(layout, settings);
        this.classpath = ClusterClasspath.join(classpath);
        this.rest = new FlinkRest(URI.create("http://localhost:" + settings.restPort() + "/"));
        this.classpathArgs = layout.conf().resolve("classpath.args");
    }

    /**
     * Starts a cluster whose files live under {@code dir}, with this JVM's class path (less the
     * jobs), and returns once all its TaskManagers have registered; if they do not within
     * {@code timeout}, or a process dies, whatever was started is stopped again.
     */
    public static LocalFlinkCluster start(Path dir, ClusterSettings settings, Duration timeout) throws IOException, InterruptedException {
        return start(dir, settings, ClusterClasspath.ofThisJvm(), timeout);
    }

    /** {@link #start(Path, ClusterSettings, Duration)} with another class path, e.g. one laid out like a Flink distribution's lib folder. */
    public static LocalFlinkCluster start(Path dir, ClusterSettings settings, List<Path> classpath, Duration timeout)
            throws IOException, InterruptedException {
        ClusterLayout layout = new ClusterLayout(dir);
        Map<String, ProcessHandle> running = running(layout);
        if (!running.isEmpty()) {
            throw new IllegalStateException("a cluster from " + layout.dir() + " is running (" + describe(running)
                    + "); stop it first with: stepwise cluster stop --dir " + dir);
        }
        requireFree(settings.restPort(), "REST API and web UI, --rest-port");
        requireFree(settings.rpcPort(), "JobManager RPC, --rpc-port");
        Files.deleteIfExists(layout.pids());
        // plugins: where Flink looks for metric reporters and file systems (empty here)
        for (Path p : List.of(layout.logs(), layout.checkpoints(), layout.savepoints(), layout.tmp(), layout.dir().resolve("plugins"))) {
            Files.createDirectories(p);
        }
        LocalFlinkCluster cluster = new LocalFlinkCluster(layout, settings, classpath);
        try {
            cluster.launchAll(timeout);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(layout.dir(), STOP_GRACE);
            throw e;
        }
    }

    private void launchAll(Duration timeout) throws IOException, InterruptedException {
        config.write(layout.configFile());
        Files.writeString(classpathArgs, "-cp \"" + classpath + "\"\n");
        // the two derivations each start a JVM: run them side by side
        CompletableFuture<ProcessMemory> jm = derive(ProcessMemory.Role.JOB_MANAGER);
        CompletableFuture<ProcessMemory> tm = derive(ProcessMemory.Role.TASK_MANAGER);
        try {
            launch("jobmanager", JOB_MANAGER_MAIN, jm.get(), config.javaOpts(CoreOptions.FLINK_JM_JVM_OPTIONS.key()));
            taskManagerMemory = tm.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        for (int i = 0; i < settings.taskManagers(); i++) {
            startTaskManager();
        }
        awaitTaskManagers(settings.taskManagers(), timeout);
    }

    private CompletableFuture<ProcessMemory> derive(ProcessMemory.Role role) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ProcessMemory.derive(role, layout.conf(), classpath);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Starts one more TaskManager (a replacement, or to scale out) and returns its name, which is
     * also its resource id in the REST API and the web UI ({@code taskmanager-3}).
     */
    public String startTaskManager() throws IOException {
        String name = "taskmanager-" + (++taskManagersStarted);
        List<String> args = new ArrayList<>(taskManagerMemory.dynamicConfig());
        args.addAll(List.of("-D", TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key() + "=" + name));
        launch(name, TASK_MANAGER_MAIN, new ProcessMemory(taskManagerMemory.jvmArgs(), args),
                config.javaOpts(CoreOptions.FLINK_TM_JVM_OPTIONS.key()));
        return name;
    }

    private Process launch(String role, String mainClass, ProcessMemory memory, List<String> roleOpts) throws IOException {
        Path log = layout.log(role);
        List<String> cmd = new ArrayList<>();
        cmd.add(ClusterJvm.java());
        cmd.add(layout.marker());
        cmd.addAll(memory.jvmArgs());
        cmd.addAll(config.javaOptsAll());
        cmd.addAll(roleOpts);
        // log.file: the web UI shows this file as the process's log
        cmd.add("-Dlog.file=" + log);
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn");
        // the class path (some 170 jars) in an argument file keeps command lines and logs readable
        cmd.addAll(List.of("@" + classpathArgs, mainClass, "--configDir", layout.conf().toString()));
        cmd.addAll(memory.dynamicConfig());
        Files.writeString(log, "# " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(layout.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // the slots are a TaskManager's parallelism: ND4J's BLAS threads would only compete with them
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        processes.put(role, p);
        Files.writeString(layout.pids(), role + " " + p.pid() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return p;
    }

    /** Waits until {@code n} TaskManagers are registered at the JobManager. */
    public void awaitTaskManagers(int n, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Map.Entry<String, Process> e : processes.entrySet()) {
                if (!e.getValue().isAlive() && (e.getKey().equals("jobmanager") || !killedOnPurpose(e.getValue()))) {
                    throw new IOException(e.getKey() + " (PID " + e.getValue().pid() + ") exited with " + e.getValue().exitValue()
                            + "; its log " + layout.log(e.getKey()) + " ends with:\n" + tail(layout.log(e.getKey()), 30));
                }
            }
            try {
                if (rest.taskManagers().size() >= n) {
                    return;
                }
            } catch (IOException notYetServing) {
                // the JobManager's REST endpoint comes up a few seconds after its JVM
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the cluster did not get " + n + " TaskManagers within " + timeout.toSeconds()
                        + " s; logs in " + layout.logs());
            }
            Thread.sleep(500);
        }
    }

    private boolean killedOnPurpose(Process p) {
        return killed.contains(p.pid());
    }

    /**
     * Kills a TaskManager with SIGKILL, as a crash would: no shutdown hooks, no goodbye to the
     * JobManager. Returns its PID.
     */
    public long killTaskManager(String name) throws InterruptedException {
        Process p = processes.get(name);
        if (p == null || !name.startsWith("taskmanager")) {
            throw new IllegalArgumentException("no TaskManager " + name + " in this cluster");
        }
        killed.add(p.pid());
        p.destroyForcibly();
        p.waitFor();
        return p.pid();
    }

    /** The TaskManagers that are alive, by name (their resource id), with their PIDs. */
    public Map<String, Long> taskManagers() {
        Map<String, Long> out = new LinkedHashMap<>();
        processes.forEach((name, p) -> {
            if (name.startsWith("taskmanager") && p.isAlive()) {
                out.put(name, p.pid());
            }
        });
        return out;
    }

    public long jobManagerPid() {
        return processes.get("jobmanager").pid();
    }

    public FlinkRest rest() {
        return rest;
    }

    /** {@code localhost:PORT} of the REST API, as {@code --jobmanager} takes it. */
    public String restAddress() {
        return "localhost:" + settings.restPort();
    }

    public ClusterLayout layout() {
        return layout;
    }

    /**
     * Stops this cluster when this JVM exits, however it exits short of SIGKILL: for tests, which
     * must not leave processes behind.
     */
    public LocalFlinkCluster stopWhenThisJvmExits() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-local-flink-cluster"));
        return this;
    }

    @Override
    public void close() {
        try {
            stop(layout.dir(), STOP_GRACE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the processes of the cluster under {@code dir}: SIGTERM (Flink shuts down in order),
     * then SIGKILL for whatever still runs after {@code grace}. Removes the PID file and the
     * TaskManagers' scratch space; logs, checkpoints and savepoints stay. Returns what was stopped.
     */
    public static Map<String, Long> stop(Path dir, Duration grace) throws IOException, InterruptedException {
        ClusterLayout layout = new ClusterLayout(dir);
        Map<String, ProcessHandle> running = running(layout);
        Map<String, Long> stopped = new LinkedHashMap<>();
        running.forEach((role, h) -> {
            stopped.put(role, h.pid());
            h.destroy();
        });
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : running.values()) {
            awaitExit(h, Math.max(0, deadline - System.nanoTime()));
        }
        for (ProcessHandle h : running.values()) {
            if (h.isAlive()) {
                h.destroyForcibly();
                awaitExit(h, TimeUnit.SECONDS.toNanos(10));
            }
        }
        Files.deleteIfExists(layout.pids());
        deleteRecursively(layout.tmp());
        return stopped;
    }

    private static void awaitExit(ProcessHandle h, long nanos) throws InterruptedException {
        try {
            h.onExit().get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // still alive: the caller decides
        }
    }

    /** The recorded processes of the cluster under {@code layout} that still run and are still ours. */
    static Map<String, ProcessHandle> running(ClusterLayout layout) throws IOException {
        Map<String, ProcessHandle> out = new LinkedHashMap<>();
        if (!Files.exists(layout.pids())) {
            return out;
        }
        for (String line : Files.readAllLines(layout.pids())) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 2) {
                continue;
            }
            ProcessHandle.of(Long.parseLong(f[1])).filter(ProcessHandle::isAlive).filter(h -> carriesMarker(h, layout))
                    .ifPresent(h -> out.put(f[0], h));
        }
        return out;
    }

    private static boolean carriesMarker(ProcessHandle h, ClusterLayout layout) {
        ProcessHandle.Info info = h.info();
        return info.arguments().map(a -> Arrays.asList(a).contains(layout.marker()))
                .orElseGet(() -> info.commandLine().map(c -> c.contains(layout.marker())).orElse(false));
    }

    static String describe(Map<String, ProcessHandle> processes) {
        List<String> s = new ArrayList<>();
        processes.forEach((role, h) -> s.add(role + " " + h.pid()));
        return String.join(", ", s);
    }

    private static void requireFree(int port, String what) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (" + what + ") is in use; choose another");
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
