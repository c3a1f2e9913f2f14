package io.stepwise.migration;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * What a release committed for one inference job under {@code migration/<release>/<job>/}: the
 * savepoint it took, the model it served, the input before and after the savepoint and the results
 * of the input before it.
 */
record ReleaseSavepoint(Path dir) {

    static final String MODEL = "model.stepwise";

    /** The committed files of {@code release}'s {@code job}, from the test classpath. */
    static ReleaseSavepoint committed(String release, String job) {
        String name = "/migration/" + release + "/" + job;
        URL url = ReleaseSavepoint.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("no " + name + " on the test classpath");
        }
        try {
            return new ReleaseSavepoint(Path.of(url.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job's name: the folder's. */
    String job() {
        return dir.getFileName().toString();
    }

    /** The savepoint directory: {@code _metadata}, with all state inlined. */
    Path savepoint() {
        return dir.resolve("savepoint");
    }

    /** The model file, announced (inline) on the model stream before the first half. */
    Path model() {
        return dir.resolve(MODEL);
    }

    /** Elements processed before the savepoint, JSON lines in the element wire format. */
    Path firstHalf() {
        return dir.resolve("first-half.jsonl");
    }

    /** Elements for after the restore. */
    Path secondHalf() {
        return dir.resolve("second-half.jsonl");
    }

    /** The results the release emitted for the first half, by stream and seq. */
    Path firstHalfResults() {
        return dir.resolve("first-half-results.jsonl");
    }

    /** As the test names it: release/job. */
    @Override
    public String toString() {
        return dir.getParent().getFileName() + "/" + job();
    }

    Halves halves() {
        return Halves.read(firstHalf(), secondHalf());
    }
}
