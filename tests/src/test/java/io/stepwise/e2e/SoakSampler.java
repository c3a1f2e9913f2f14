package io.stepwise.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.tools.attach.VirtualMachine;
import io.stepwise.local.cluster.FlinkRest;
import io.stepwise.local.cluster.LocalFlinkCluster;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What the soak test measures, every few seconds, from outside the job as an operator would: the
 * TaskManager processes' RSS ({@code /proc/PID/status}), their heap through Flink's REST API, the
 * keyed state entries RocksDB counts ({@code rocksdb.estimate-num-keys}, per column family, summed
 * over the keyed operator's subtasks) beside the job's own {@code activeStreams} gauge, the latest
 * completed checkpoint's size, and the load's own counters. A figure that cannot be read at a
 * sample (the job restarting, a TaskManager not yet registered) is left empty there.
 *
 * <p>The heap in use is a sawtooth whose teeth (young collections every 10 to 30 s at this load)
 * say little about what stays. So, at a slower pace of its own, the sampler asks each TaskManager
 * for a full collection over JMX (attaching as {@code jcmd} or JConsole would) and reads the heap
 * right after it: the live heap ({@link #liveHeap}), the figure a leak makes grow.
 */
final class SoakSampler implements AutoCloseable {

    /** One sample: seconds since the run began, and the figures by column name. */
    record Sample(double t, Map<String, Double> values) {
        double get(String column) {
            return values.getOrDefault(column, Double.NaN);
        }
    }

    /** The heap of a TaskManager right after a full collection the sampler asked for, seconds since the run began. */
    record LiveHeap(double t, String taskManager, double bytes) {
    }

    private static final String OPERATOR = "running inference";
    private static final double KEEPING_UP_LAG = 10;
    /** RocksDB's {@code rocksdb.estimate-num-keys} as the REST API names it (a metric name's dots become '_'). */
    private static final String ESTIMATE_NUM_KEYS = ".rocksdb_estimate-num-keys";
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+)\\s+kB");

    private final LocalFlinkCluster cluster;
    private final FlinkRest rest;
    private final FlinkJobs jobs;
    private final String job;
    private final SoakLoad load;
    private final long startMillis;
    private final List<Sample> samples = new ArrayList<>();
    private final List<LiveHeap> liveHeap = new ArrayList<>();
    /** Every TaskManager seen, by name, with its PID. */
    private final Map<String, Long> pids = new LinkedHashMap<>();
    /** The RocksDB metrics found, to say in the summary which figures were read. */
    private final TreeSet<String> rocksDbMetrics = new TreeSet<>();
    /** JMX connections to the TaskManagers by PID (only the collector thread touches them). */
    private final Map<Long, JMXConnector> jmx = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-sampler"));
    private final ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-collector"));
    private String vertex;

    SoakSampler(LocalFlinkCluster cluster, FlinkJobs jobs, String job, SoakLoad load, long startMillis) {
        this.cluster = cluster;
        this.rest = cluster.rest();
        this.jobs = jobs;
        this.job = job;
        this.load = load;
        this.startMillis = startMillis;
    }

    /** Samples every {@code seconds}, and measures the live heap every {@code gcSeconds}. */
    SoakSampler every(double seconds, double gcSeconds) {
        timer.scheduleAtFixedRate(this::sample, 0, (long) (seconds * 1000), TimeUnit.MILLISECONDS);
        collector.scheduleAtFixedRate(this::collect, (long) (gcSeconds * 1000), (long) (gcSeconds * 1000), TimeUnit.MILLISECONDS);
        return this;
    }

    /** A full collection in each TaskManager, and its heap right after. */
    private void collect() {
        for (Map.Entry<String, Long> tm : cluster.taskManagers().entrySet()) {
            try {
                MemoryMXBean memory = memory(tm.getValue());
                memory.gc();
                double bytes = memory.getHeapMemoryUsage().getUsed();
                synchronized (liveHeap) {
                    liveHeap.add(new LiveHeap((System.currentTimeMillis() - startMillis) / 1000.0, tm.getKey(), bytes));
                }
            } catch (Exception notNow) {
                // killed, or not up yet: connect afresh next time
                disconnect(tm.getValue());
            }
        }
    }

    private MemoryMXBean memory(long pid) throws Exception {
        JMXConnector c = jmx.get(pid);
        if (c == null) {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
            try {
                c = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
            } finally {
                vm.detach();
            }
            jmx.put(pid, c);
        }
        return ManagementFactory.newPlatformMXBeanProxy(c.getMBeanServerConnection(), ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    }

    private void disconnect(long pid) {
        JMXConnector c = jmx.remove(pid);
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException gone) {
                // its process is gone
            }
        }
    }

    private void sample() {
        double t = (System.currentTimeMillis() - startMillis) / 1000.0;
        Map<String, Double> v = new TreeMap<>();
        v.put("streams_started", (double) load.streamsStarted());
        v.put("elements_sent", (double) load.elementsSent());
        v.put("results_read", (double) load.resultsRead());
        long liveSent = load.liveStreams();
        if (liveSent >= 0) {
            v.put("live_streams_sent", (double) liveSent);
        }
        Map<String, Long> live = cluster.taskManagers();
        synchronized (pids) {
            pids.putAll(live);
        }
        for (Map.Entry<String, Long> tm : live.entrySet()) {
            v.put("rss_" + tm.getKey(), rss(tm.getValue()));
        }
        try {
            readTaskManagers(live.keySet(), v);
            readCheckpoints(v);
            readOperator(v);
        } catch (IOException notNow) {
            // the job restarting or a TaskManager coming up: the figures it lacks stay empty
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // a sample must not end the sampling
        }
        synchronized (samples) {
            samples.add(new Sample(t, v));
        }
    }

    private static double rss(long pid) {
        try {
            Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024.0 : Double.NaN;
        } catch (IOException gone) {
            return Double.NaN;
        }
    }

    private void readTaskManagers(Iterable<String> names, Map<String, Double> v) throws IOException, InterruptedException {
        for (String tm : names) {
            try {
                for (JsonNode m : rest.get("taskmanagers/" + tm + "/metrics?get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Metaspace.Used")) {
                    String id = m.path("id").asText();
                    double value = m.path("value").asDouble();
                    v.put((id.endsWith("Heap.Used") ? "heap_used_" : "metaspace_") + tm, value);
                }
            } catch (IOException notRegistered) {
                // a TaskManager that has not registered yet
            }
        }
    }

    private void readCheckpoints(Map<String, Double> v) throws IOException, InterruptedException {
        JsonNode c = rest.get("jobs/" + job + "/checkpoints");
        v.put("checkpoints_completed", c.path("counts").path("completed").asDouble());
        JsonNode latest = c.path("latest").path("completed");
        if (!latest.isMissingNode() && !latest.isNull()) {
            // state_size: the whole checkpoint (incremental or not); checkpointed_size: what this one wrote
            v.put("checkpoint_bytes", latest.path("state_size").asDouble());
            v.put("checkpoint_written_bytes", latest.path("checkpointed_size").asDouble());
            v.put("checkpoint_duration_ms", latest.path("end_to_end_duration").asDouble());
        }
        v.put("job_running", jobs.allRunning(job) ? 1.0 : 0.0);
    }

    /**
     * The keyed operator's figures, summed over its subtasks: RocksDB's estimated keys by column
     * family ({@code stream}: one entry per stream with state; the processing-time timers'), the
     * {@code activeStreams} gauge and the {@code streamsExpired} counter.
     */
    private void readOperator(Map<String, Double> v) throws IOException, InterruptedException {
        if (vertex == null) {
            vertex = jobs.vertexId(job, OPERATOR);
        }
        List<String> wanted = new ArrayList<>();
        for (JsonNode m : rest.get("jobs/" + job + "/vertices/" + vertex + "/metrics")) {
            String id = m.path("id").asText();
            if (id.endsWith(ESTIMATE_NUM_KEYS) || id.endsWith(".activeStreams") || id.endsWith(".streamsExpired")
                    || id.endsWith(".modelVersion")) {
                wanted.add(id);
            }
            if (id.contains(".rocksdb")) {
                synchronized (rocksDbMetrics) {
                    rocksDbMetrics.add(id.substring(id.indexOf('.') + 1));
                }
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        String get = wanted.stream().map(id -> URLEncoder.encode(id, StandardCharsets.UTF_8)).collect(Collectors.joining(","));
        Map<String, Double> sums = new TreeMap<>();
        for (JsonNode m : rest.get("jobs/" + job + "/vertices/" + vertex + "/metrics?get=" + get)) {
            String id = m.path("id").asText();
            double value = m.path("value").asDouble(Double.NaN);
            String column = column(id);
            if (column.equals("model_version")) {
                sums.merge(column, value, Math::max);
            } else {
                sums.merge(column, value, Double::sum);
            }
        }
        v.putAll(sums);
    }

    /**
     * {@code 0.running_inference.stream.rocksdb_estimate-num-keys} → {@code state_entries_stream};
     * the timers' column families ({@code _timer_state/processing_user-timers}, …) →
     * {@code state_entries_timers}.
     */
    static String column(String metricId) {
        if (metricId.endsWith(".activeStreams")) {
            return "active_streams";
        }
        if (metricId.endsWith(".streamsExpired")) {
            return "streams_expired";
        }
        if (metricId.endsWith(".modelVersion")) {
            return "model_version";
        }
        String family = metricId.substring(0, metricId.length() - ESTIMATE_NUM_KEYS.length());
        family = family.substring(family.lastIndexOf('.') + 1);
        if (family.contains("timer")) {
            return "state_entries_timers";
        }
        return "state_entries_" + family.replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        collector.shutdown();
        timer.awaitTermination(30, TimeUnit.SECONDS);
        collector.awaitTermination(30, TimeUnit.SECONDS);
        for (Long pid : List.copyOf(jmx.keySet())) {
            disconnect(pid);
        }
    }

    /**
     * Whether the job keeps up with the load, judged on the samples after {@code since}: the
     * results read by the latest sample cover every element sent by the one 10 s before it (results
     * become visible a checkpoint after their element, so they trail by up to two intervals).
     */
    boolean keepsUp(double since) {
        List<Sample> all = samples();
        if (all.isEmpty()) {
            return false;
        }
        Sample now = all.get(all.size() - 1);
        for (int i = all.size() - 1; i >= 0; i--) {
            Sample then = all.get(i);
            if (then.t() < since) {
                return false;
            }
            if (now.t() - then.t() >= KEEPING_UP_LAG) {
                return now.get("results_read") >= then.get("elements_sent") && then.get("elements_sent") > 0;
            }
        }
        return false;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    Map<String, Long> taskManagerPids() {
        synchronized (pids) {
            return new LinkedHashMap<>(pids);
        }
    }

    List<LiveHeap> liveHeap() {
        synchronized (liveHeap) {
            return List.copyOf(liveHeap);
        }
    }

    /** The RocksDB metrics the keyed operator showed, without the subtask index. */
    List<String> rocksDbMetrics() {
        synchronized (rocksDbMetrics) {
            return List.copyOf(rocksDbMetrics);
        }
    }

    /** The series of one column: times and values (NaN where the sample lacks it). */
    static double[][] series(List<Sample> samples, String column) {
        double[] t = new double[samples.size()];
        double[] y = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            t[i] = samples.get(i).t();
            y[i] = samples.get(i).get(column);
        }
        return new double[][]{t, y};
    }

    /** The columns any sample has, sorted, after the time. */
    static List<String> columns(List<Sample> samples) {
        TreeSet<String> all = new TreeSet<>();
        samples.forEach(s -> all.addAll(s.values().keySet()));
        return new ArrayList<>(all);
    }

    static void writeCsv(List<Sample> samples, Path file) throws IOException {
        List<String> columns = columns(samples);
        StringBuilder csv = new StringBuilder("t_s");
        columns.forEach(c -> csv.append(',').append(c));
        csv.append('\n');
        for (Sample s : samples) {
            csv.append(String.format(Locale.ROOT, "%.1f", s.t()));
            for (String c : columns) {
                double x = s.get(c);
                csv.append(',').append(Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.0f", x));
            }
            csv.append('\n');
        }
        Files.writeString(file, csv);
    }

    static void writeLiveHeapCsv(List<LiveHeap> heap, Path file) throws IOException {
        StringBuilder csv = new StringBuilder("t_s,taskmanager,heap_after_full_gc\n");
        for (LiveHeap h : heap) {
            csv.append(String.format(Locale.ROOT, "%.1f,%s,%.0f%n", h.t(), h.taskManager(), h.bytes()));
        }
        Files.writeString(file, csv);
    }
}
