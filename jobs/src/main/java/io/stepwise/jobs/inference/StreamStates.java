package io.stepwise.jobs.inference;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;

/**
 * The streams' states in Flink keyed state, for the stream the key context has selected: read once
 * per element, changed in place by the step, and stored back only where the backend needs it.
 *
 * <p>On the heap backend the object {@code value()} returns is the one the backend holds, and its
 * {@code get} has already copied it if a snapshot still in flight needs the old one
 * ({@code CopyOnWriteStateMap}, the same contract Flink's own heap list state relies on when it
 * appends to the list it read). So a state changed in place is stored already, and writing it back
 * would only look the key up a second time: in a profile of the job that second look-up was 6% of
 * the operator thread's samples. Every other backend (RocksDB, the changelog) hands out copies, so
 * there every change is written back.
 */
final class StreamStates {

    private final ValueState<StreamState> state;
    private final boolean sharedWithBackend;

    StreamStates(ValueState<StreamState> state, KeyedStateBackend<?> backend) {
        this.state = state;
        this.sharedWithBackend = backend instanceof HeapKeyedStateBackend;
    }

    /** The selected stream's state; null for a stream that has none. */
    StreamState read() throws Exception {
        return state.value();
    }

    /**
     * Stores {@code s} as the selected stream's state after changing it. {@code fromRead}: whether
     * {@code s} is the object {@link #read()} gave for this stream (otherwise it is new to the backend).
     */
    void changed(StreamState s, boolean fromRead) throws Exception {
        if (!fromRead || !sharedWithBackend) {
            state.update(s);
        }
    }

    /** The selected stream has no state any more. */
    void clear() {
        state.clear();
    }
}
