package io.stepwise.jobs.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;

/**
 * Runs over recordings: each element waits in keyed state until the watermark passes its event time,
 * when every model version announced before it is known; then it is served, in event-time order,
 * with the version in force at that time ({@link ModelVersions#versionAt}). So a recorded version
 * applies exactly where it applied live, whatever the order in which the two inputs arrive.
 */
final class RecordingAlignment {

    static final ListStateDescriptor<TimedElement> STATE = new ListStateDescriptor<>("aligned", TimedElement.class);

    private final ListState<TimedElement> held;

    RecordingAlignment(ListState<TimedElement> held) {
        this.held = held;
    }

    void hold(TimedElement e) throws Exception {
        held.add(e);
    }

    /**
     * The current stream's elements whose time the watermark has passed, oldest first (the two
     * inputs of a parallel job may have brought them in another order); the rest stay.
     */
    List<TimedElement> due(long watermark) throws Exception {
        List<TimedElement> due = new ArrayList<>();
        List<TimedElement> later = new ArrayList<>();
        Iterable<TimedElement> all = held.get();
        if (all != null) {
            for (TimedElement t : all) {
                (t.at() <= watermark ? due : later).add(t);
            }
        }
        if (due.isEmpty()) {
            return due;
        }
        if (later.isEmpty()) {
            held.clear();
        } else {
            held.update(later);
        }
        due.sort(Comparator.comparingLong(TimedElement::at));
        return due;
    }
}
