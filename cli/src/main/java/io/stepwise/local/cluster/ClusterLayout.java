package io.stepwise.local.cluster;

import java.nio.file.Path;

/**
 * Where a local Flink cluster keeps its things, all under one folder: the generated Flink
 * configuration, one log per process, the PIDs of the processes, checkpoints and savepoints (which
 * outlive the cluster) and scratch space for the TaskManagers (RocksDB's working files among them).
 */
public record ClusterLayout(Path dir) {

    public ClusterLayout {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path conf() {
        return dir.resolve("conf");
    }

    public Path configFile() {
        return conf().resolve("config.yaml");
    }

    public Path logs() {
        return dir.resolve("log");
    }

    public Path log(String role) {
        return logs().resolve(role + ".log");
    }

    public Path pids() {
        return dir.resolve("pids");
    }

    public Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    public Path savepoints() {
        return dir.resolve("savepoints");
    }

    public Path tmp() {
        return dir.resolve("tmp");
    }

    /**
     * The system property every process of this cluster carries on its command line: {@code stop}
     * kills a recorded PID only when the process there still carries it, so a PID the system has
     * since given to another process is left alone.
     */
    public String marker() {
        return "-Dstepwise.cluster=" + dir;
    }
}
