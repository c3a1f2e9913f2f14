package io.stepwise.jobs.inference;

import io.stepwise.recording.RecordingFormat;
import io.stepwise.wire.DeadLetter;
import io.stepwise.wire.RawRecord;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines of a recording in, its records out (blank lines skipped). A line that is not a recording
 * line (a file edited by hand, cut short, or not a recording at all) goes to the dead letters with the
 * reason and its line number, as a bad record from Kafka would: one bad line must not fail a replay of
 * all the others. Runs at parallelism 1, in file order, so the count is the line's number in the file
 * (a replay that restarts reads the file again from its start, and so counts again from 1).
 */
final class ParseRecordingLines extends ProcessFunction<String, RawRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(ParseRecordingLines.class);

    private final String source;
    private long line;

    ParseRecordingLines(String source) {
        this.source = source;
    }

    @Override
    public void processElement(String text, Context ctx, Collector<RawRecord> out) {
        line++;
        if (text.isBlank()) {
            return;
        }
        try {
            out.collect(RecordingFormat.read(text, source));
        } catch (IllegalArgumentException bad) {
            String reason = "line " + line + " of " + bad.getMessage();
            LOG.warn("skipping a recording line: {}", reason);
            ctx.output(InferenceJob.DEAD_LETTERS, new DeadLetter(reason, source, -1, line, text).keyed(null));
        }
    }
}
