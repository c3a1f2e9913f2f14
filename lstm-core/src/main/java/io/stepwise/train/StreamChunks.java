package io.stepwise.train;

/**
 * Training data as the streaming job meets it: a batch of long number streams, served in
 * consecutive chunks of at most {@code chunkLength} steps. The trainer carries each stream's
 * {@code (h, c)} from one chunk into the next ({@link StreamStates}), so a stream of 4,096 numbers
 * costs 4,096 steps of forward and backward work in all, not the quadratic cost of training every
 * prefix from zero, and the model is trained on the totals and positions that long streams reach.
 * The gradient of each chunk stops at the chunk's start (truncated backpropagation through time).
 *
 * <p>The streams' values come from {@link SumData#batch(int, int, double, double, int, float[], float[])},
 * drift included; each chunk's targets are the streams' running sums from their very start.
 */
final class StreamChunks {

    /** One chunk: values and running sums {@code [steps][batch]}, raw units. */
    record Chunk(float[] values, float[] sums, int steps, int batch, int firstPosition, boolean startsStreams) {
    }

    private final SumData data;
    private final int batch;
    private final int chunkLength;
    private final double driftShare;
    private final int maxDrift;
    private float[] values = new float[0];
    private float[] sums = new float[0];
    private int length;
    private int position;

    StreamChunks(SumData data, int batch, int chunkLength, double driftShare, int maxDrift) {
        if (batch < 1) {
            throw new IllegalArgumentException("a batch holds at least one stream, got " + batch);
        }
        if (chunkLength < 1) {
            throw new IllegalArgumentException("chunk length must be >= 1, got " + chunkLength);
        }
        this.data = data;
        this.batch = batch;
        this.chunkLength = chunkLength;
        this.driftShare = driftShare;
        this.maxDrift = maxDrift;
    }

    /**
     * The next chunk of the current streams; when they are used up (or none started yet), first
     * draws {@code batch} new streams of {@code newStreamLength} numbers at {@code numProb}.
     */
    Chunk next(int newStreamLength, double numProb) {
        boolean starts = position >= length;
        if (starts) {
            if (newStreamLength < 1) {
                throw new IllegalArgumentException("stream length must be >= 1, got " + newStreamLength);
            }
            length = newStreamLength;
            position = 0;
            if (values.length < length * batch) {
                values = new float[length * batch];
                sums = new float[length * batch];
            }
            data.batch(length, batch, numProb, driftShare, maxDrift, values, sums);
        }
        int steps = Math.min(chunkLength, length - position);
        float[] x = new float[steps * batch];
        float[] y = new float[steps * batch];
        System.arraycopy(values, position * batch, x, 0, steps * batch);
        System.arraycopy(sums, position * batch, y, 0, steps * batch);
        Chunk chunk = new Chunk(x, y, steps, batch, position, starts);
        position += steps;
        return chunk;
    }
}
