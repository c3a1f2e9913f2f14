package io.stepwise.jobs.inference;

import io.stepwise.wire.DeadLetter;
import io.stepwise.wire.InvalidElementException;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.ModelAnnouncement;
import io.stepwise.wire.RawRecord;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Model-topic records in, announcements out; an unreadable one is logged and dead-lettered. */
public class ParseAnnouncements extends ProcessFunction<RawRecord, ModelAnnouncement> {

    private static final Logger LOG = LoggerFactory.getLogger(ParseAnnouncements.class);

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<ModelAnnouncement> out) {
        try {
            out.collect(ModelAnnouncement.parse(r.text()));
        } catch (InvalidElementException bad) {
            LOG.warn("ignoring model-topic record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), bad.getMessage());
            ctx.output(InferenceJob.DEAD_LETTERS, DeadLetter.of(r, bad.getMessage()).keyed(r.key()));
        }
    }
}
