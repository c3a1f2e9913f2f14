package io.stepwise.local.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a local cluster.
 *
 * @param taskManagers          TaskManager processes to start
 * @param slots                 task slots per TaskManager
 * @param restPort              the JobManager's REST API and web UI
 * @param rpcPort               the JobManager's RPC port, which TaskManagers register at
 * @param jobManagerMemory      {@code jobmanager.memory.process.size}
 * @param taskManagerMemory     {@code taskmanager.memory.process.size}: Flink splits it into heap,
 *                              managed (RocksDB), network, metaspace and overhead
 * @param extraConfig           further Flink settings, written last into config.yaml
 */
public record ClusterSettings(int taskManagers, int slots, int restPort, int rpcPort, String jobManagerMemory,
                              String taskManagerMemory, Map<String, String> extraConfig) {

    public ClusterSettings {
        if (taskManagers < 1 || slots < 1) {
            throw new IllegalArgumentException("a cluster needs at least one TaskManager with one slot, got "
                    + taskManagers + " TaskManagers with " + slots + " slots");
        }
        extraConfig = Map.copyOf(extraConfig);
    }

    /** One JobManager and two TaskManagers of two slots, 1 GB each: fits a laptop beside Kafka. */
    public static ClusterSettings defaults() {
        return new ClusterSettings(2, 2, 8081, 6123, "1g", "1g", Map.of());
    }

    public ClusterSettings withTaskManagers(int n) {
        return new ClusterSettings(n, slots, restPort, rpcPort, jobManagerMemory, taskManagerMemory, extraConfig);
    }

    public ClusterSettings withSlots(int s) {
        return new ClusterSettings(taskManagers, s, restPort, rpcPort, jobManagerMemory, taskManagerMemory, extraConfig);
    }

    public ClusterSettings withPorts(int rest, int rpc) {
        return new ClusterSettings(taskManagers, slots, rest, rpc, jobManagerMemory, taskManagerMemory, extraConfig);
    }

    public ClusterSettings with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(extraConfig);
        m.put(key, value);
        return new ClusterSettings(taskManagers, slots, restPort, rpcPort, jobManagerMemory, taskManagerMemory, m);
    }
}
