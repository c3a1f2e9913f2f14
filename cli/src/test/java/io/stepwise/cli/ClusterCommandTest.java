package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster command's guards; starting real clusters is the tests module's business. */
class ClusterCommandTest {

    @TempDir
    Path dir;

    @Test
    void stopLeavesAProcessAloneThatNoLongerCarriesTheClustersMarker() throws Exception {
        // the PID of a process long gone may have been given to another: here, a process that is not
        // the cluster's (a child of this JVM, so that a stop that wrongly kills it fails this test
        // instead of the JVM running it)
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(dir.resolve("pids"), "taskmanager-1 " + stranger.pid() + "\n");

            CliRun run = CliRun.of(new ClusterCommand(), "stop", "--dir", dir.toString(), "--grace", "1s");

            assertThat(run.exit()).isZero();
            assertThat(run.out()).contains("no cluster running");
            assertThat(stranger.isAlive()).as("the process whose PID the file named is left alone").isTrue();
            assertThat(dir.resolve("pids")).doesNotExist();
        } finally {
            stranger.destroyForcibly();
        }
    }

    @Test
    void startRefusesABusyPortInOneLineBeforeStartingAnything() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun run = CliRun.of(new ClusterCommand(), "start", "--dir", dir.toString(), "--rest-port", String.valueOf(busy.getLocalPort()));

            assertThat(run.isOneLineUserError()).as(run.err()).isTrue();
            assertThat(run.err()).contains("port " + busy.getLocalPort() + " (REST API").contains("is in use");
            assertThat(dir.resolve("pids")).doesNotExist();
        }
    }

    @Test
    void aClusterNeedsATaskManagerWithASlot() {
        CliRun run = CliRun.of(new ClusterCommand(), "start", "--dir", dir.toString(), "--slots", "0");

        assertThat(run.isOneLineUserError()).as(run.err()).isTrue();
        assertThat(run.err()).contains("at least one TaskManager with one slot");
    }
}
