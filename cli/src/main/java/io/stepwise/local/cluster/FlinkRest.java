package io.stepwise.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The few calls of Flink's REST API that starting a cluster and shipping a job need. */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(URI base) {
        this.base = base;
    }

    /** For {@code HOST:PORT}, as {@code --jobmanager} takes it. */
    public static FlinkRest of(String hostPort) {
        return new FlinkRest(URI.create("http://" + hostPort + "/"));
    }

    public URI base() {
        return base;
    }

    /** GET {@code path} (without a leading slash), the answer as JSON; an error status is an IOException. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GET " + base.resolve(path) + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The ids of the TaskManagers registered at the JobManager. */
    public List<String> taskManagers() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        get("taskmanagers").path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        return ids;
    }

    /** The JobManager's class path, one entry each (what a job needs not ship). */
    public List<String> jobManagerClasspath() throws IOException, InterruptedException {
        List<String> entries = new ArrayList<>();
        get("jobmanager/environment").path("classpath").forEach(e -> entries.add(e.asText()));
        return entries;
    }
}
