package io.stepwise.jobs.training;

import io.stepwise.model.ModelKind;
import io.stepwise.wire.DeadLetter;
import io.stepwise.wire.InvalidElementException;
import io.stepwise.wire.LabelledExample;
import io.stepwise.wire.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raw records in, labelled examples out. A record that is not a valid example, or an example for
 * the other kind of model, goes to the dead-letter output with the reason and its coordinates.
 */
public class ParseExamples extends ProcessFunction<RawRecord, LabelledExample> {

    private final ModelKind kind;
    private transient Counter invalid;

    public ParseExamples(ModelKind kind) {
        this.kind = kind;
    }

    @Override
    public void open(OpenContext ctx) {
        invalid = getRuntimeContext().getMetricGroup().counter("invalidExamples");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<LabelledExample> out) {
        String error;
        try {
            LabelledExample e = LabelledExample.parse(r.text());
            if (e.kind() == kind) {
                out.collect(e);
                return;
            }
            error = e.kind() == ModelKind.SUM
                    ? "a sum example ('values') sent to a job that trains a tagger"
                    : "a tagger example ('tokens') sent to a job that trains a sum model";
        } catch (InvalidElementException bad) {
            error = bad.getMessage();
        }
        invalid.inc();
        ctx.output(TrainingJob.DEAD_LETTERS, DeadLetter.of(r, error).keyed(r.key()));
    }
}
