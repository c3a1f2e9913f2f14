package io.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The epoch benchmarks must time real training: the loss falls from epoch to epoch. */
class EpochTrainingTest {

    @Test
    void notebookEpochsReduceTheLoss() {
        try (NotebookLoop loop = new NotebookLoop(7)) {
            double first = loop.epoch();
            double second = loop.epoch();
            assertThat(second).isLessThan(first);
        }
    }

    @Test
    void trainerEpochsReduceTheLoss() {
        TrainerEpoch trainer = new TrainerEpoch(7, 50);
        double first = trainer.epoch();
        double later = first;
        for (int e = 0; e < 4; e++) {
            later = trainer.epoch();
        }
        assertThat(later).isLessThan(first * 0.8);
    }
}
