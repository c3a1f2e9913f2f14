package io.stepwise.pipeline;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exactly-one-result check: every element sent is expected once ({@link #expect}); every result
 * read is recorded ({@link #record}). An element without a result is missing, a second result for
 * one is a duplicate, a result for an element never sent is unexpected. A benchmark whose results
 * are not exactly the elements sent measures something else, so any of the three fails it.
 *
 * <p>A tagger with decoding delay answers each word twice: its tag at once ({@code "final":false})
 * and its final tag. Its ledger ({@link #withTagsAtOnce}) checks both, each exactly once; without
 * delay, a tag at once is unexpected.
 *
 * <p>The producer and the reader run on their own threads; each call takes the ledger's lock, which
 * costs little beside a Kafka record.
 */
public final class ResultLedger {

    /** How many offending elements a failure names, enough to look them up. */
    static final int EXAMPLES = 5;

    private final boolean tagsAtOnce;
    private final Map<String, Marks> streams = new HashMap<>();
    private long expected;
    private long answered;
    private long answeredAtOnce;
    private long duplicates;
    private long unexpected;
    private final List<String> examples = new ArrayList<>();

    private static final class Marks {
        final BitSet expected = new BitSet();
        final BitSet answered = new BitSet();
        final BitSet answeredAtOnce = new BitSet();
    }

    /** A ledger of one result per element. */
    public ResultLedger() {
        this(false);
    }

    private ResultLedger(boolean tagsAtOnce) {
        this.tagsAtOnce = tagsAtOnce;
    }

    /** A ledger of a delayed tagger's results: per element one tag at once and one final tag. */
    public static ResultLedger withTagsAtOnce() {
        return new ResultLedger(true);
    }

    /** Element {@code seq} of {@code stream} was sent and must get one result. */
    public synchronized void expect(String stream, long seq) {
        Marks m = streams.computeIfAbsent(stream, s -> new Marks());
        int i = index(seq);
        if (m.expected.get(i)) {
            throw new IllegalStateException("element " + stream + " #" + seq + " was sent twice");
        }
        m.expected.set(i);
        expected++;
    }

    /** Whether each element is to have a tag at once beside its final result. */
    public boolean tagsAtOnce() {
        return tagsAtOnce;
    }

    /** A (final) result for element {@code seq} of {@code stream} was read. */
    public synchronized void record(String stream, long seq) {
        record(stream, seq, false);
    }

    /** A result for element {@code seq} of {@code stream} was read: a tag at once ({@code atOnce}) or a final result. */
    public synchronized void record(String stream, long seq, boolean atOnce) {
        Marks m = streams.get(stream);
        int i = index(seq);
        boolean sent = m != null && m.expected.get(i);
        String what = atOnce ? "tag at once" : "result";
        if (!sent || (atOnce && !tagsAtOnce)) {
            unexpected++;
            example("a " + what + " for " + stream + " #" + seq + (sent ? " from a model without decoding delay" : ", which was never sent"));
        } else if ((atOnce ? m.answeredAtOnce : m.answered).get(i)) {
            duplicates++;
            example("a second " + what + " for " + stream + " #" + seq);
        } else if (atOnce) {
            m.answeredAtOnce.set(i);
            answeredAtOnce++;
        } else {
            m.answered.set(i);
            answered++;
        }
    }

    private static int index(long seq) {
        if (seq < 0 || seq > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("seq out of range: " + seq);
        }
        return (int) seq;
    }

    private void example(String what) {
        if (examples.size() < EXAMPLES) {
            examples.add(what);
        }
    }

    public synchronized long expected() {
        return expected;
    }

    /** Expected elements that have their result. */
    public synchronized long answered() {
        return answered;
    }

    /** Whether every expected element has its result (duplicates and strays are judged by {@link #verdict}). */
    public synchronized boolean complete() {
        return answered == expected;
    }

    public synchronized Verdict verdict() {
        List<String> ex = new ArrayList<>(examples);
        long missing = expected - answered;
        if (missing > 0) {
            missingExamples(ex, "result", m -> m.answered);
        }
        if (tagsAtOnce && answeredAtOnce < expected) {
            missing += expected - answeredAtOnce;
            missingExamples(ex, "tag at once", m -> m.answeredAtOnce);
        }
        return new Verdict(expected, answered, missing, duplicates, unexpected, tagsAtOnce, List.copyOf(ex));
    }

    private void missingExamples(List<String> ex, String what, java.util.function.Function<Marks, BitSet> answers) {
        for (Map.Entry<String, Marks> e : streams.entrySet()) {
            BitSet missing = (BitSet) e.getValue().expected.clone();
            missing.andNot(answers.apply(e.getValue()));
            for (int i = missing.nextSetBit(0); i >= 0 && ex.size() < 2 * EXAMPLES; i = missing.nextSetBit(i + 1)) {
                ex.add("no " + what + " for " + e.getKey() + " #" + i);
            }
            if (ex.size() >= 2 * EXAMPLES) {
                break;
            }
        }
    }

    /**
     * What the check found.
     *
     * @param expected   elements sent (each must have one result)
     * @param answered   of those, how many have a result
     * @param missing    elements without a result (and, for a delayed tagger, without a tag at once: each counts)
     * @param duplicates results beyond the first for an element (of each kind)
     * @param unexpected results for elements never sent (or tags at once from a model without delay)
     * @param tagsAtOnce whether each element was to have a tag at once beside its final result
     * @param examples   a few of the offending elements, to look up
     */
    public record Verdict(long expected, long answered, long missing, long duplicates, long unexpected, boolean tagsAtOnce,
                          List<String> examples) {

        public boolean exactlyOne() {
            return missing == 0 && duplicates == 0 && unexpected == 0;
        }

        public String describe() {
            if (exactlyOne()) {
                return String.format(tagsAtOnce ? "all %,d elements have exactly one tag at once and one final tag"
                        : "all %,d elements have exactly one result", expected);
            }
            return String.format("%,d elements sent: %,d without a result, %,d duplicate results, %,d unexpected results (%s)",
                    expected, missing, duplicates, unexpected, String.join("; ", examples));
        }
    }
}
