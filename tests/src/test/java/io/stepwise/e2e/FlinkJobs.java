package io.stepwise.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.local.cluster.FlinkRest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A job on a cluster as its REST API shows it: where its subtasks run, its checkpoints, its restarts. */
final class FlinkJobs {

    private final FlinkRest rest;

    FlinkJobs(FlinkRest rest) {
        this.rest = rest;
    }

    /** For each vertex (by name), the TaskManagers its subtasks run on. */
    Map<String, Set<String>> placement(String jobId) throws IOException, InterruptedException {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (JsonNode v : rest.get("jobs/" + jobId).path("vertices")) {
            Set<String> tms = new TreeSet<>();
            for (JsonNode s : rest.get("jobs/" + jobId + "/vertices/" + v.path("id").asText()).path("subtasks")) {
                tms.add(s.path("taskmanager-id").asText());
            }
            out.put(v.path("name").asText(), tms);
        }
        return out;
    }

    /** Whether the job runs with every subtask running (deployed and restored). */
    boolean allRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = rest.get("jobs/" + jobId);
        if (!job.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!v.path("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return true;
    }

    String vertexId(String jobId, String namePrefix) throws IOException, InterruptedException {
        for (JsonNode v : rest.get("jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().startsWith(namePrefix)) {
                return v.path("id").asText();
            }
        }
        throw new IllegalArgumentException("job " + jobId + " has no vertex named " + namePrefix + "…");
    }

    /** The TaskManagers running subtasks of the vertex whose name begins with {@code namePrefix}. */
    Set<String> taskManagersOf(String jobId, String namePrefix) throws IOException, InterruptedException {
        Set<String> tms = new TreeSet<>();
        for (JsonNode s : rest.get("jobs/" + jobId + "/vertices/" + vertexId(jobId, namePrefix)).path("subtasks")) {
            tms.add(s.path("taskmanager-id").asText());
        }
        return tms;
    }

    /** Failures in the job's exception history (each one failed tasks and restarted the job from a checkpoint). */
    int failures(String jobId) throws IOException, InterruptedException {
        return rest.get("jobs/" + jobId + "/exceptions?maxExceptions=100").path("exceptionHistory").path("entries").size();
    }

    int freeSlots() throws IOException, InterruptedException {
        return rest.get("overview").path("slots-available").asInt();
    }

    int totalSlots() throws IOException, InterruptedException {
        return rest.get("overview").path("slots-total").asInt();
    }

    /** The state size of one vertex in the job's latest completed checkpoint, in bytes (-1 when none completed yet). */
    long checkpointedStateBytes(String jobId, String namePrefix) throws IOException, InterruptedException {
        JsonNode latest = rest.get("jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        if (latest.isMissingNode() || latest.isNull()) {
            return -1;
        }
        JsonNode details = rest.get("jobs/" + jobId + "/checkpoints/details/" + latest.path("id").asLong());
        return details.path("tasks").path(vertexId(jobId, namePrefix)).path("state_size").asLong();
    }

    long completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return rest.get("jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(rest.base() + "jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("cancel " + jobId + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    List<String> runningJobs() throws IOException, InterruptedException {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode j : rest.get("jobs/overview").path("jobs")) {
            if (!j.path("state").asText().matches("FINISHED|CANCELED|FAILED")) {
                out.add(j.path("jid").asText());
            }
        }
        return out;
    }
}
