package io.stepwise.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.model.ModelMeta;
import io.stepwise.model.Prediction;
import io.stepwise.model.TaggerModel;
import io.stepwise.tensor.Gemm;
import io.stepwise.testing.Fixtures;
import io.stepwise.torch.JsonTensors;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class TaggerTutorialTest {

    private static final ModelMeta META = new ModelMeta("tagger", 1, Map.of());

    @Test
    void theShippedTutorialStartsWhereThePyTorchRunStarted() {
        JsonNode ref = Fixtures.load("tagger_train.json");
        TaggerTutorial tutorial = TaggerTutorial.load();
        TaggerModel model = tutorial.initialModel(META);
        TaggedSentence first = tutorial.trainingData().get(0);

        float[] before = model.forward(new int[][]{first.words().stream().mapToInt(model::wordIndex).toArray()}, new Gemm()).logProbs;

        assertThat(tutorial.trainingData()).isEqualTo(TaggerTutorial.trainingData(ref.get("training_data")));
        float[] want = JsonTensors.floats(ref.get("float32").get("tag_scores_before_training_sentence0"));
        for (int i = 0; i < want.length; i++) {
            assertThat(before[i]).isCloseTo(want[i], Offset.offset(1e-5f));
        }
    }

    @Test
    void aSeededStartAlsoLearnsTheTwoSentences() {
        TaggerTutorial tutorial = TaggerTutorial.load();
        TaggerModel model = tutorial.randomModel(META, 42);
        LossCurve curve = new LossCurve();

        float[] losses = TaggerTutorial.train(model, tutorial.trainingData(), TaggerTutorial.EPOCHS, curve);

        assertThat(losses).hasSize(2 * TaggerTutorial.EPOCHS);
        assertThat(curve.epochs()).hasSize(TaggerTutorial.EPOCHS);
        assertThat(curve.steps()).hasSize(2 * TaggerTutorial.EPOCHS);
        for (TaggedSentence s : tutorial.trainingData()) {
            assertThat(model.tag(s.words())).extracting(Prediction.Tag::tag).isEqualTo(s.tags());
        }
        assertThat(losses[losses.length - 1]).isLessThan(losses[0] / 10);
    }
}
