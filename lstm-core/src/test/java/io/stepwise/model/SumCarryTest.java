package io.stepwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stepwise.lstm.LstmState;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SumCarryTest {

    static final float IN = 3000f;
    static final float OUT = 3000f;
    /** Cell 0's gain on the scaled input; cell 1's is twice it. */
    static final double GAIN = 0.03;

    /**
     * A two-cell sum model built by hand: constant gates (i = o = 1/2, f = sigmoid(30), 1 in
     * float), cell candidates tanh(a x) and tanh(2a x), and the read-out 8 h0 - h1, which is
     * 6 (x/2)... : with u = a S / (2 IN), h0 = tanh(u) / 2 and h1 = tanh(2u) / 2, and
     * 8 tanh(u) - tanh(2u) = 6u - 3.2u^5 + ..., so the model reads the total S to within
     * 0.53 u^4 of it (6e-5 at S = 20,000).
     */
    static SumModel twoScaleIntegrator() {
        SumModel m = new SumModel(new ModelMeta("sum", 1, Map.of()), 2, 1, IN, OUT);
        float[] wih = m.parameters().get("lstm.weight_ih_l0").data();
        float[] bih = m.parameters().get("lstm.bias_ih_l0").data();
        Arrays.fill(wih, 0f);
        Arrays.fill(bih, 0f);
        Arrays.fill(m.parameters().get("lstm.weight_hh_l0").data(), 0f);
        Arrays.fill(m.parameters().get("lstm.bias_hh_l0").data(), 0f);
        bih[2] = 30f; // forget gates of cells 0 and 1
        bih[3] = 30f;
        wih[4] = (float) GAIN; // cell candidates
        wih[5] = (float) (2 * GAIN);
        // y_scaled = S / OUT = k (8 h0 - h1) with 8 h0 - h1 = 3u = 1.5 a S / IN
        double k = IN / (1.5 * GAIN * OUT);
        float[] w = m.linear().weight().data();
        w[0] = (float) (8 * k);
        w[1] = (float) -k;
        m.linear().bias().data()[0] = 0f;
        m.weightsChanged();
        return m;
    }

    @Test
    void theHandBuiltModelSumsAtLargeTotals() {
        SumModel m = twoScaleIntegrator();
        double[] values = new double[400];
        Arrays.fill(values, 50);

        double[] sums = m.runningSums(values);

        assertThat(sums[399]).isCloseTo(20000, within(2.0));
    }

    @Test
    void aCalibratedMapGivesTheIntegratorsStateForATotal() {
        SumModel m = twoScaleIntegrator();
        CalibratedSumCarry carry = CalibratedSumCarry.calibrate(m, CalibratedSumCarry.Calibration.upTo(20000));

        for (double total : new double[]{-18000, -2500, 0, 777, 12000}) {
            LstmState s = carry.stateFor(total);
            double u = GAIN * total / (2 * IN);
            // c = sum of tanh(a x) / 2 = a S / 2 (scaled), up to tanh's cubic term per element
            assertThat(s.c(0)[0]).as("c0 at %s", total).isCloseTo((float) u, within(2e-4f + 1e-3f * (float) Math.abs(u)));
            assertThat(s.c(0)[1]).as("c1 at %s", total).isCloseTo((float) (2 * u), within(4e-4f + 1e-3f * (float) Math.abs(u)));
            assertThat(s.h(0)[0]).as("h0 at %s", total).isCloseTo((float) (Math.tanh(u) / 2), within(2e-4f));
            assertThat(s.h(0)[1]).as("h1 at %s", total).isCloseTo((float) (Math.tanh(2 * u) / 2), within(2e-4f));
        }
        assertThat(carry.readoutError()).isLessThan(5.0);
    }

    @Test
    void afterACarryTheNewVersionsOutputsContinueFromTheTotal() {
        SumModel m = twoScaleIntegrator();
        SumCarry[] carries = {
            CalibratedSumCarry.calibrate(m, CalibratedSumCarry.Calibration.upTo(20000)),
            new PrefixSumCarry(m, 50)};

        for (SumCarry carry : carries) {
            for (double total : new double[]{-15000, -40, 0, 5000, 15000}) {
                LstmState s = carry.stateFor(total);
                SumModel.Stepper stepper = carry.model().newStepper();
                double first = stepper.step(37, s);
                double later = 0;
                for (int i = 0; i < 99; i++) {
                    later = stepper.step(i % 2 == 0 ? -90 : 90, s);
                }
                // 100 elements after the swap: 37 plus 50 times -90 and 49 times +90
                String what = carry.getClass().getSimpleName() + " at " + total;
                assertThat(first).as(what).isCloseTo(total + 37, within(3.0));
                assertThat(later).as(what).isCloseTo(total + 37 - 90, within(3.0));
            }
        }
    }

    @Test
    void aPrefixTakesAsManyStepsAsTheLargestValueNeeds() {
        PrefixSumCarry carry = new PrefixSumCarry(twoScaleIntegrator(), 50);

        assertThat(carry.prefixLength(0)).isZero();
        assertThat(carry.prefixLength(50)).isEqualTo(1);
        assertThat(carry.prefixLength(-50.5)).isEqualTo(2);
        assertThat(carry.prefixLength(15000)).isEqualTo(300);
        assertThat(carry.stateFor(0)).isEqualTo(LstmState.zeros(carry.model().lstmConfig()));
    }

    @Test
    void aSumModelCarriesAStreamByTheOldVersionsReadingOrByTheExactSum() {
        SumModel older = twoScaleIntegrator();
        SumModel newer = twoScaleIntegrator().withMeta(new ModelMeta("sum", 2, Map.of()));
        // the old version's reading of a stream of 300 values of 40 (S = 12,000), by hand: 6u scaled back
        LstmState olderState = LstmState.zeros(older.lstmConfig());
        SumModel.Stepper s = older.newStepper();
        double shown = 0;
        for (int i = 0; i < 300; i++) {
            shown = s.step(40, olderState);
        }
        StateCarry carry = newer.newStateCarry();
        assertThat(carry.prepare()).contains("calibrated").contains("sum v2");

        StateCarry.Carried byReading = carry.carry(older, olderState, 99_999);
        StateCarry.Carried byExact = carry.carry(null, null, -7_500);

        assertThat(byReading.fromExact()).isFalse();
        assertThat(byReading.from()).as("the value the last result showed").isEqualTo(shown);
        assertThat(shown).isCloseTo(12_000, within(3.0));
        assertThat(newer.sumOf(byReading.state())).as("continues from what the old version showed").isCloseTo(shown, within(3.0));
        assertThat(byExact.fromExact()).as("old version gone: the exact sum").isTrue();
        assertThat(newer.sumOf(byExact.state())).isCloseTo(-7_500, within(3.0));
        // a stream the old version read as NaN (a broken version) goes on from the exact sum too
        SumModel broken = twoScaleIntegrator();
        broken.linear().bias().data()[0] = Float.NaN;
        broken.weightsChanged();
        assertThat(carry.carry(broken, olderState, 500).fromExact()).isTrue();
    }

    @Test
    void aModelIsCalibratedOverTheRangeItRecordsWithHeadroomAndWithinItsValidatedLength() {
        Map<String, Object> range = Map.of("valid_range", Map.of("validated_max_length", 256, "validated_max_abs_total", 3411.0));
        SumModel gradient = new SumModel(new ModelMeta("sum", 1, range), 4, 1, IN, OUT);
        SumModel none = new SumModel(new ModelMeta("sum", 1, Map.of()), 4, 1, IN, OUT);

        CalibratedSumCarry.Calibration g = CalibratedSumCarry.Calibration.forModel(gradient);
        CalibratedSumCarry.Calibration n = CalibratedSumCarry.Calibration.forModel(none);

        assertThat(g.maxTotal()).isEqualTo(2 * 3411.0);
        assertThat(g.length()).as("no longer than validated").isEqualTo(256);
        assertThat(n.maxTotal()).isEqualTo(CalibratedSumCarry.Calibration.DEFAULT_MAX_TOTAL);
        assertThat(n.length()).isEqualTo(1024);
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new PrefixSumCarry(twoScaleIntegrator(), 0)).hasMessageContaining("positive and finite");
        assertThatThrownBy(() -> new CalibratedSumCarry.Calibration(0, 65, 10, 1000, 1)).hasMessageContaining("largest total");
        assertThatThrownBy(() -> new CalibratedSumCarry.Calibration(1000, 64, 10, 1000, 1)).hasMessageContaining("odd");
        assertThatThrownBy(() -> new CalibratedSumCarry.Calibration(1000, 65, 0, 1000, 1)).hasMessageContaining("at least one stream");
        assertThatThrownBy(() -> new CalibratedSumCarry.Calibration(100000, 65, 10, 1000, 1))
                .hasMessageContaining("use at least 2200 numbers");
        SumCarry carry = new PrefixSumCarry(twoScaleIntegrator(), 50);
        assertThatThrownBy(() -> carry.stateFor(Double.NaN)).hasMessageContaining("finite");
    }
}
