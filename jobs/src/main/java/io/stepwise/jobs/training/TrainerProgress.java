package io.stepwise.jobs.training;

/**
 * Where the trainer stands, in keyed state (one key: the model name): the version numbers, the
 * arrival indices of the examples kept, and what the next round waits for. A public-field POJO so
 * that Flink serializes it without Kryo. Version numbers live here, so they keep increasing across
 * restarts from a checkpoint.
 */
public class TrainerProgress {

    /** The number the next published version gets. */
    public int nextVersion;
    /** The version now serving (published last, or the starting model's); 0 when none. */
    public int servingVersion;
    /** Arrival indices of the examples kept: [firstIndex, nextIndex). */
    public long firstIndex;
    public long nextIndex;
    /** Examples that arrived since the last round. */
    public long sinceRound;
    /** Rounds run so far; seeds each round differently. */
    public int rounds;
    /** The processing-time timer of the next timed round; 0 when none is set. */
    public long timer;

    public TrainerProgress() {
    }

    public long kept() {
        return nextIndex - firstIndex;
    }
}
