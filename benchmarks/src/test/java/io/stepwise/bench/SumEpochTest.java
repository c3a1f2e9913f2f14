package io.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The epoch benchmark must time real training: the loss falls from epoch to epoch. */
class SumEpochTest {

    @Test
    void batchedEpochsReduceTheLoss() {
        try (SumEpoch epoch = new SumEpoch(7)) {
            double first = epoch.batchedEpoch();
            double later = first;
            for (int e = 0; e < 4; e++) {
                later = epoch.batchedEpoch();
            }
            assertThat(later).isLessThan(first * 0.8);
        }
    }

    @Test
    void notebookEpochsReduceTheLoss() {
        try (SumEpoch epoch = new SumEpoch(7)) {
            double first = epoch.notebookEpoch();
            double second = epoch.notebookEpoch();
            assertThat(second).isLessThan(first);
        }
    }
}
