package io.stepwise.predict;

import io.stepwise.model.Model;
import io.stepwise.model.SumModel;
import io.stepwise.model.TaggerModel;
import io.stepwise.wire.Element;
import io.stepwise.wire.Result;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline, whole-sequence prediction over elements in the streaming wire format: the reference
 * that the streaming job is tested against (DESIGN.md, "Stepwise equals whole-sequence").
 *
 * <p>Elements are grouped by stream and put in {@code seq} order; an element whose {@code seq} is
 * not greater than the last one kept for its stream is a duplicate and dropped, as the streaming
 * job drops it; {@code end} markers close a sequence. Each sequence then runs through the model's
 * whole-sequence path ({@code nn.LSTM} over all its steps, sequences batched together), whose
 * arithmetic is that of the stepwise path the streaming job uses, so the two agree bit for bit
 * (PackedLstm#forwardSequence) and a difference in a test points at the job, not at rounding.
 */
public final class OfflinePredictor {

    /** Sequences run through the model together per batch. */
    private static final int BATCH = 128;

    private final Model model;

    public OfflinePredictor(Model model) {
        this.model = model;
    }

    /** What {@link #predict} made of its input. */
    public record Outcome(List<Result> results, int duplicates, int sequences) {
    }

    /** One result per token or value element kept, in the order the elements came in. */
    public Outcome predict(List<Element> elements) {
        Map<String, List<Indexed>> byStream = new LinkedHashMap<>();
        for (int i = 0; i < elements.size(); i++) {
            Element e = elements.get(i);
            byStream.computeIfAbsent(e.stream(), k -> new ArrayList<>()).add(new Indexed(i, e));
        }
        List<List<Indexed>> sequences = new ArrayList<>();
        int duplicates = 0;
        for (List<Indexed> stream : byStream.values()) {
            // a stable sort: elements without seq keep their arrival order
            stream.sort(Comparator.comparingLong(x -> x.element.seq() == null ? Long.MIN_VALUE : x.element.seq()));
            if (stream.stream().anyMatch(x -> x.element.seq() == null)) {
                stream.sort(Comparator.comparingInt(x -> x.index));
            }
            long lastSeq = Long.MIN_VALUE;
            List<Indexed> current = new ArrayList<>();
            for (Indexed x : stream) {
                Long seq = x.element.seq();
                if (seq != null) {
                    if (seq <= lastSeq) {
                        duplicates++;
                        continue;
                    }
                    lastSeq = seq;
                }
                if (x.element.end()) {
                    if (!current.isEmpty()) {
                        sequences.add(current);
                    }
                    current = new ArrayList<>();
                } else {
                    current.add(x);
                }
            }
            if (!current.isEmpty()) {
                sequences.add(current);
            }
        }
        Result[] byInput = new Result[elements.size()];
        for (int from = 0; from < sequences.size(); from += BATCH) {
            List<List<Indexed>> batch = sequences.subList(from, Math.min(sequences.size(), from + BATCH));
            if (model instanceof TaggerModel tagger) {
                tag(tagger, batch, byInput);
            } else if (model instanceof SumModel sum) {
                sum(sum, batch, byInput);
            }
        }
        List<Result> results = new ArrayList<>();
        for (Result r : byInput) {
            if (r != null) {
                results.add(r);
            }
        }
        return new Outcome(results, duplicates, sequences.size());
    }

    private void tag(TaggerModel tagger, List<List<Indexed>> batch, Result[] out) {
        int[][] ids = new int[batch.size()][];
        for (int b = 0; b < batch.size(); b++) {
            List<Indexed> seq = batch.get(b);
            ids[b] = new int[seq.size()];
            for (int t = 0; t < seq.size(); t++) {
                Element e = seq.get(t).element;
                if (e.token() == null) {
                    throw new IllegalArgumentException("stream " + e.stream() + ": a tagger needs tokens, got a value");
                }
                ids[b][t] = tagger.wordIndex(e.token());
            }
        }
        float[] logProbs = tagger.predict(ids);
        int tags = tagger.tags().size();
        for (int b = 0; b < batch.size(); b++) {
            List<Indexed> seq = batch.get(b);
            for (int t = 0; t < seq.size(); t++) {
                int row = (t * batch.size() + b) * tags;
                int best = 0;
                for (int j = 1; j < tags; j++) {
                    if (logProbs[row + j] > logProbs[row + best]) {
                        best = j;
                    }
                }
                Element e = seq.get(t).element;
                out[seq.get(t).index] = new Result.Tag(e.stream(), e.seq(), e.ts(), e.token(), tagger.tags().get(best),
                        (float) Math.exp(logProbs[row + best]), tagger.name(), tagger.version());
            }
        }
    }

    private void sum(SumModel sum, List<List<Indexed>> batch, Result[] out) {
        int n = batch.size();
        int steps = batch.stream().mapToInt(List::size).max().orElse(0);
        float[] x = new float[steps * n];
        for (int b = 0; b < n; b++) {
            List<Indexed> seq = batch.get(b);
            for (int t = 0; t < seq.size(); t++) {
                Element e = seq.get(t).element;
                if (e.value() == null) {
                    throw new IllegalArgumentException("stream " + e.stream() + ": a sum model needs values, got a token");
                }
                x[t * n + b] = (float) (e.value() / sum.inputScale());
            }
        }
        float[] predictions = sum.predict(x, steps, n);
        for (int b = 0; b < n; b++) {
            List<Indexed> seq = batch.get(b);
            double exact = 0;
            for (int t = 0; t < seq.size(); t++) {
                Element e = seq.get(t).element;
                exact += e.value();
                double estimate = (double) predictions[t * n + b] * sum.targetScale();
                out[seq.get(t).index] = new Result.Sum(e.stream(), e.seq(), e.ts(), e.value(), estimate, exact,
                        sum.name(), sum.version());
            }
        }
    }

    private record Indexed(int index, Element element) {
    }
}
