package io.stepwise.predict;

import io.stepwise.model.Input;
import io.stepwise.model.Model;
import io.stepwise.model.Prediction;
import io.stepwise.wire.Element;
import io.stepwise.wire.Result;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline, whole-sequence prediction over elements in the streaming wire format: the reference
 * that the streaming job is tested against (docs/architecture.md, "Stepwise equals whole-sequence").
 *
 * <p>Elements are grouped by stream and put in {@code seq} order; an element whose {@code seq} is
 * not greater than the last one kept for its stream is a duplicate and dropped, as the streaming
 * job drops it; {@code end} markers close a sequence. Each sequence then runs through the model's
 * whole-sequence path ({@code nn.LSTM} over all its steps, sequences batched together), whose
 * arithmetic is that of the stepwise path the streaming job uses, so the two agree bit for bit
 * (PackedLstm#forwardSequence) and a difference in a test points at the job, not at rounding. A
 * sum model that records its valid range flags each result as the job does: in range while the
 * sequence's length so far and its exact running sum are within it.
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

    /**
     * One result per token or value element kept (two for a delayed tagger: the tag at once, then
     * the final one), in the order the elements came in.
     */
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
        @SuppressWarnings("unchecked")
        List<Result>[] byInput = (List<Result>[]) new List<?>[elements.size()];
        for (int from = 0; from < sequences.size(); from += BATCH) {
            predict(sequences.subList(from, Math.min(sequences.size(), from + BATCH)), byInput);
        }
        List<Result> results = new ArrayList<>();
        for (List<Result> r : byInput) {
            if (r != null) {
                results.addAll(r);
            }
        }
        return new Outcome(results, duplicates, sequences.size());
    }

    private void predict(List<List<Indexed>> batch, List<Result>[] out) {
        List<List<Input>> inputs = new ArrayList<>(batch.size());
        for (List<Indexed> seq : batch) {
            List<Input> in = new ArrayList<>(seq.size());
            for (Indexed x : seq) {
                Input i = x.element.input();
                String refusal = model.refusal(i);
                if (refusal != null) {
                    throw new IllegalArgumentException("stream " + x.element.stream() + ": " + refusal);
                }
                in.add(i);
            }
            inputs.add(in);
        }
        List<List<Prediction>> predictions = model.predict(inputs);
        for (int b = 0; b < batch.size(); b++) {
            List<Indexed> seq = batch.get(b);
            double exact = 0;
            for (int t = 0; t < seq.size(); t++) {
                Element e = seq.get(t).element;
                if (e.value() != null) {
                    exact += e.value();
                }
                Prediction p = predictions.get(b).get(t);
                out[seq.get(t).index] = p instanceof Prediction.DelayedTag d
                        // a delayed tagger gives each word two results, as the streaming job does: at once, and final
                        ? List.of(tag(e, d.now(), false), tag(e, d.finalTag(), true))
                        : List.of(Result.of(e, p, exact, model.name(), model.version(), model.inValidRange(t + 1, exact)));
            }
        }
    }

    private Result tag(Element e, Prediction.Tag t, boolean isFinal) {
        return new Result.Tag(e.stream(), e.seq(), e.ts(), e.token(), t.tag(), t.probability(), model.name(), model.version(),
                isFinal);
    }

    private record Indexed(int index, Element element) {
    }
}
