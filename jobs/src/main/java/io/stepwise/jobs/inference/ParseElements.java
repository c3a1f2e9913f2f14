package io.stepwise.jobs.inference;

import io.stepwise.wire.DeadLetter;
import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import io.stepwise.wire.InvalidElementException;
import io.stepwise.wire.KeyedJson;
import io.stepwise.wire.RawRecord;
import io.stepwise.wire.SourcedElement;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raw records in, elements out; a record that is not a valid element goes to the dead-letter output
 * with the reason and its coordinates, and the records around it are unaffected. An element
 * without {@code ts} takes the record's timestamp as its event time.
 */
public class ParseElements extends ProcessFunction<RawRecord, SourcedElement> {

    private transient Counter invalid;

    @Override
    public void open(OpenContext ctx) {
        invalid = getRuntimeContext().getMetricGroup().counter("invalidRecords");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<SourcedElement> out) {
        Element e;
        try {
            e = ElementCodec.parse(r.text());
        } catch (InvalidElementException bad) {
            invalid.inc();
            ctx.output(InferenceJob.DEAD_LETTERS, DeadLetter.of(r, bad.getMessage()).keyed(r.key()));
            return;
        }
        if (e.ts() == null && r.timestamp() >= 0) {
            e = new Element(e.stream(), e.seq(), r.timestamp(), e.token(), e.value(), e.end());
        }
        out.collect(new SourcedElement(e, r.topic(), r.partition(), r.offset(), r.value()));
    }
}
