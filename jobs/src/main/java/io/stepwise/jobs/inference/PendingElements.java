package io.stepwise.jobs.inference;

import io.stepwise.wire.SourcedElement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;

/**
 * A stream's elements that arrived before any model version existed (a cold start without
 * {@code --model}): kept in keyed state, so a restore loses none, and bounded per stream, so a
 * model topic that stays empty cannot exhaust memory. They are served in order once the first
 * version arrives. Nothing here is read while a version serves.
 */
final class PendingElements {

    static final ListStateDescriptor<SourcedElement> STATE = new ListStateDescriptor<>("pending", SourcedElement.class);

    private final ListState<SourcedElement> waiting;
    private final int maxPerStream;

    PendingElements(ListState<SourcedElement> waiting, int maxPerStream) {
        this.waiting = waiting;
        this.maxPerStream = maxPerStream;
    }

    /**
     * Keeps {@code e} for the current stream; returns null, or why it could not be kept (the
     * stream already holds {@code maxPerStream} elements).
     */
    String hold(SourcedElement e) throws Exception {
        int n = 0;
        for (SourcedElement ignored : waiting.get()) {
            n++;
        }
        if (n >= maxPerStream) {
            return "no model version has arrived yet and stream " + e.stream() + " already has " + n
                    + " elements waiting (--max-pending)";
        }
        waiting.add(e);
        return null;
    }

    /** The current stream's waiting elements in arrival order, removed from state. */
    List<SourcedElement> takeAll() throws Exception {
        List<SourcedElement> out = new ArrayList<>();
        Iterable<SourcedElement> all = waiting.get();
        if (all != null) {
            all.forEach(out::add);
        }
        waiting.clear();
        return out;
    }
}
