package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.lstm.LstmConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StreamStatesTest {

    @Test
    void storedStatesComeBackPerStreamAndLayer() {
        StreamStates states = new StreamStates(new LstmConfig(1, 2, 2), 3);
        // [L=2][B=2][H=2] for streams 1..2
        float[] h = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] c = {-1, -2, -3, -4, -5, -6, -7, -8};

        assertThat(states.atStart()).isTrue();
        states.store(1, 3, h, c);
        states.continued();

        assertThat(states.atStart()).isFalse();
        // stream 0 untouched; stream 2 of layer 1 is the last pair
        assertThat(states.hidden(0, 1)).containsExactly(0, 0, 0, 0);
        assertThat(states.hidden(2, 3)).containsExactly(3, 4, 7, 8);
        assertThat(states.cell(1, 3)).containsExactly(c);
        assertThat(states.hidden(0, 3)).containsExactly(0, 0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8);
        states.zero();
        assertThat(states.atStart()).isTrue();
        assertThat(Arrays.equals(states.cell(0, 3), new float[12])).isTrue();
    }

    @Test
    void refusesStatesOfTheWrongSize() {
        StreamStates states = new StreamStates(new LstmConfig(1, 2, 1), 2);

        assertThatThrownBy(() -> states.store(0, 1, new float[3], new float[2])).hasMessageContaining("need 2 values");
        assertThatThrownBy(() -> states.hidden(1, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
