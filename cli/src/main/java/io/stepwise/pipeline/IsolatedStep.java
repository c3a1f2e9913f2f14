package io.stepwise.pipeline;

import io.stepwise.jobs.inference.ServedModel;
import io.stepwise.jobs.inference.StreamState;
import io.stepwise.lstm.StepClock;
import io.stepwise.model.Model;
import io.stepwise.wire.Element;
import io.stepwise.wire.Result;
import java.util.Arrays;
import java.util.List;

/**
 * The call the inference job times as its step ({@link ServedModel#stepBatch}), timed alone in this
 * JVM: the same model, elements drawn the same way, batches of the size the job filled, one batch
 * after another with nothing in between, on the clock the job reads ({@link StepClock}, CPU time).
 * It is what the step costs with its weights in the caches: the figure the job's own is compared with.
 */
final class IsolatedStep {

    /** Batches of elements cycled through, so that the words vary as in the job. */
    private static final int BATCHES = 64;
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final int ROUNDS = 15;
    private static final long ROUND_NANOS = 100_000_000L;

    private IsolatedStep() {
    }

    /** Nanoseconds per element of {@code model}'s batched step over batches of {@code batch} elements: the median of its rounds. */
    static double nanosPerElement(Model model, ElementGenerator generator, int batch) {
        ServedModel served = ServedModel.of(model);
        Element[][] elements = new Element[BATCHES][batch];
        for (Element[] b : elements) {
            for (int i = 0; i < batch; i++) {
                Element e;
                do {
                    e = generator.next(0);
                } while (e.end());
                b[i] = e;
            }
        }
        StreamState[] states = new StreamState[batch];
        for (int i = 0; i < batch; i++) {
            states[i] = StreamState.fresh(model.lstmConfig(), model.version());
        }
        @SuppressWarnings("unchecked")
        List<Result>[] results = new List[batch];
        long start = System.nanoTime();
        int next = 0;
        while (System.nanoTime() - start < WARM_UP_NANOS) {
            served.stepBatch(elements[next++ % BATCHES], states, batch, results);
        }
        double[] rounds = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long wall = System.nanoTime();
            long cpu = StepClock.threadCpuNanos();
            long steps = 0;
            do {
                served.stepBatch(elements[next++ % BATCHES], states, batch, results);
                steps++;
            } while (System.nanoTime() - wall < ROUND_NANOS);
            rounds[r] = (double) (StepClock.threadCpuNanos() - cpu) / (steps * batch);
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }
}
