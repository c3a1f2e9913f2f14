package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StreamChunksTest {

    @Test
    void chunksServeWholeStreamsInOrderThenStartNewOnes() {
        int length = 10;
        int batch = 3;
        float[] values = new float[length * batch];
        float[] sums = new float[length * batch];
        // the same seed and draw, whole
        new SumData(4).batch(length, batch, 1.0, 0.5, 20, values, sums);
        StreamChunks chunks = new StreamChunks(new SumData(4), batch, 4, 0.5, 20);

        StreamChunks.Chunk a = chunks.next(length, 1.0);
        StreamChunks.Chunk b = chunks.next(99, 1.0); // the length only matters when new streams start
        StreamChunks.Chunk c = chunks.next(99, 1.0);
        StreamChunks.Chunk d = chunks.next(5, 1.0);

        assertThat(new int[]{a.steps(), b.steps(), c.steps(), d.steps()}).containsExactly(4, 4, 2, 4);
        assertThat(new int[]{a.firstPosition(), b.firstPosition(), c.firstPosition(), d.firstPosition()})
                .containsExactly(0, 4, 8, 0);
        assertThat(new boolean[]{a.startsStreams(), b.startsStreams(), c.startsStreams(), d.startsStreams()})
                .containsExactly(true, false, false, true);
        float[] joined = new float[length * batch];
        float[] joinedSums = new float[length * batch];
        int at = 0;
        for (StreamChunks.Chunk k : new StreamChunks.Chunk[]{a, b, c}) {
            System.arraycopy(k.values(), 0, joined, at, k.values().length);
            System.arraycopy(k.sums(), 0, joinedSums, at, k.sums().length);
            at += k.values().length;
        }
        assertThat(joined).containsExactly(values);
        // the targets run on from the streams' start, not from each chunk's
        assertThat(joinedSums).containsExactly(sums);
        assertThat(joinedSums[length * batch - 1]).isEqualTo(sum(values, batch, batch - 1));
    }

    @Test
    void aStreamNoLongerThanAChunkIsOneChunk() {
        StreamChunks chunks = new StreamChunks(new SumData(1), 2, 256, 0, 0);

        StreamChunks.Chunk a = chunks.next(7, 1.0);
        StreamChunks.Chunk b = chunks.next(3, 1.0);

        assertThat(a.steps()).isEqualTo(7);
        assertThat(b.steps()).isEqualTo(3);
        assertThat(a.startsStreams() && b.startsStreams()).isTrue();
    }

    @Test
    void refusesEmptyBatchesAndChunks() {
        assertThatThrownBy(() -> new StreamChunks(new SumData(1), 0, 4, 0, 0)).hasMessageContaining("at least one stream");
        assertThatThrownBy(() -> new StreamChunks(new SumData(1), 2, 0, 0, 0)).hasMessageContaining("chunk length");
        assertThatThrownBy(() -> new StreamChunks(new SumData(1), 2, 4, 0, 0).next(0, 1.0)).hasMessageContaining("stream length");
    }

    private static float sum(float[] seqFirst, int batch, int stream) {
        float s = 0;
        for (int i = stream; i < seqFirst.length; i += batch) {
            s += seqFirst[i];
        }
        return s;
    }
}
