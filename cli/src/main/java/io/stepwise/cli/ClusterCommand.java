package io.stepwise.cli;

import io.stepwise.jobs.config.Durations;

import io.stepwise.local.cluster.ClusterSettings;
import io.stepwise.local.cluster.LocalFlinkCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A standalone Flink session cluster on this machine, one process per JobManager and TaskManager. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        header = "Starts and stops a Flink cluster on this machine (separate JobManager and TaskManager processes).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class})
public final class ClusterCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            header = "Starts a standalone Flink session cluster in the background.",
            description = {
                "Starts one JobManager and --taskmanagers TaskManagers as separate JVMs from Stepwise's own",
                "Flink, ND4J and Kafka connector jars, with a generated Flink config in DIR/conf/config.yaml,",
                "logs in DIR/log, PIDs in DIR/pids, checkpoints and savepoints in DIR/checkpoints and",
                "DIR/savepoints. Returns once every TaskManager has registered. Submit jobs with",
                "`stepwise run infer --jobmanager localhost:REST_PORT …`; stop with `stepwise cluster stop`."})
    static final class Start implements Callable<Integer> {

        @Option(names = "--taskmanagers", defaultValue = "2", description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", defaultValue = "2", description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--dir", defaultValue = "target/cluster", description = "The cluster's folder (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--rest-port", defaultValue = "8081", description = "REST API and web UI port (default: ${DEFAULT-VALUE}).")
        int restPort;

        @Option(names = "--rpc-port", defaultValue = "6123", description = "JobManager RPC port (default: ${DEFAULT-VALUE}).")
        int rpcPort;

        @Option(names = "--taskmanager-memory", defaultValue = "1g", paramLabel = "SIZE",
                description = "Process size of each TaskManager (default: ${DEFAULT-VALUE}).")
        String taskManagerMemory;

        @Option(names = "--jobmanager-memory", defaultValue = "1g", paramLabel = "SIZE",
                description = "Process size of the JobManager (default: ${DEFAULT-VALUE}).")
        String jobManagerMemory;

        @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
                description = "Any further Flink setting for config.yaml, e.g. -D heartbeat.timeout=20s (repeatable).")
        Map<String, String> flinkConfig = new LinkedHashMap<>();

        @Option(names = "--timeout", defaultValue = "3m", paramLabel = "DURATION",
                description = "How long to wait for all TaskManagers to register (default: ${DEFAULT-VALUE}).")
        String timeout;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ClusterSettings settings = new ClusterSettings(taskManagers, slots, restPort, rpcPort, jobManagerMemory,
                    taskManagerMemory, flinkConfig);
            System.err.println("stepwise cluster: starting a JobManager and " + taskManagers + " TaskManager(s) in " + dir.toAbsolutePath() + " …");
            LocalFlinkCluster cluster = LocalFlinkCluster.start(dir, settings, Durations.parse(timeout, "--timeout"));
            var out = spec.commandLine().getOut();
            out.println("Flink cluster running: JobManager PID " + cluster.jobManagerPid() + ", TaskManagers "
                    + cluster.taskManagers() + " (name=PID), " + taskManagers * slots + " slots");
            out.println("web UI and REST API: " + cluster.rest().base());
            out.println("submit jobs with:    stepwise run infer --jobmanager " + cluster.restAddress() + " …");
            out.println("logs:                " + cluster.layout().logs());
            out.println("stop with:           stepwise cluster stop --dir " + dir);
            out.flush();
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            header = "Stops the cluster started from DIR.",
            description = {
                "Sends SIGTERM to the cluster's processes (by the PIDs in DIR/pids), then SIGKILL to any",
                "still running after --grace. Logs, checkpoints and savepoints stay in DIR."})
    static final class Stop implements Callable<Integer> {

        @Option(names = "--dir", defaultValue = "target/cluster", description = "The cluster's folder (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--grace", defaultValue = "20s", paramLabel = "DURATION",
                description = "Time for an orderly shutdown before SIGKILL (default: ${DEFAULT-VALUE}).")
        String grace;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Duration g = Durations.parse(grace, "--grace");
            Map<String, Long> stopped = LocalFlinkCluster.stop(dir, g);
            var out = spec.commandLine().getOut();
            out.println(stopped.isEmpty() ? "no cluster running from " + dir.toAbsolutePath() : "stopped " + stopped);
            out.flush();
            return 0;
        }
    }
}
