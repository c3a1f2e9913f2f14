package io.stepwise.torch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every PyTorch reference file, checked value by value: forward parity, gradients (BPTT), the
 * tutorial's printed numbers, the tutorial's whole training run, and the streaming tagger (character
 * features, delayed heads).
 */
class FixtureCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"seed_lstm_3x3.json", "lstm_parity.json", "grad_sum_regression.json",
        "grad_tagger.json", "tagger_train.json", "char_tagger.json"})
    void everyCaseOfEveryFixtureIsWithinTolerance(String file) {
        List<FixtureCheck.Result> results = FixtureCheck.check(Fixtures.load(file));

        assertThat(results).isNotEmpty();
        assertThat(results).allSatisfy(r -> assertThat(r.ok())
                .as("%s: %s differs by %s", r.caseName(), r.quantity(), r.maxAbsDiff()).isTrue());
    }

    @Test
    void parityCoversEveryCaseStepwiseWholeSequenceAndBatched() {
        List<FixtureCheck.Result> results = FixtureCheck.check(Fixtures.load("lstm_parity.json"));

        for (String c : List.of("in1_h8", "in32_h64", "2layer_in16_h32")) {
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " whole-sequence") && r.quantity().equals("c_n"));
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " stepwise") && r.quantity().equals("h_n"));
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " batched steps"));
        }
    }

    @Test
    void aPerturbedWeightIsReportedAsAMismatch() {
        JsonNode f = Fixtures.load("lstm_parity.json");
        ObjectNode weights = (ObjectNode) f.get("cases").get(0).get("weights");
        ArrayNode row = (ArrayNode) weights.get("weight_hh_l0").get(0);
        row.set(0, row.get(0).asDouble() + 1e-2);

        List<FixtureCheck.Result> results = FixtureCheck.check(f);

        assertThat(results).anyMatch(r -> !r.ok() && r.caseName().startsWith("in1_h8"));
        // the other cases are untouched (isNotEmpty: allMatch alone passes when there are none)
        assertThat(results).filteredOn(r -> r.caseName().startsWith("in32_h64")).isNotEmpty().allMatch(FixtureCheck.Result::ok);
    }

    @Test
    void aGradientOffByMoreThanTheToleranceFails() {
        JsonNode f = Fixtures.load("grad_sum_regression.json");
        ArrayNode bias = (ArrayNode) f.get("cases").get(0).get("float32").get("grads").get("linear.bias");
        bias.set(0, bias.get(0).asDouble() * (1 + 5e-4));

        assertThat(FixtureCheck.check(f)).anyMatch(r -> !r.ok() && r.quantity().equals("grad linear.bias"));
    }

    @Test
    void theStreamingTaggerIsCheckedOnEveryPathAndEveryHead() {
        List<FixtureCheck.Result> results = FixtureCheck.check(Fixtures.load("char_tagger.json"));
        String c = "char_tagger_delay2";

        assertThat(results).anyMatch(r -> r.caseName().equals(c) && r.quantity().equals("character ids"));
        assertThat(results).anyMatch(r -> r.caseName().equals(c + " characters") && r.quantity().equals("encodings (batched)"));
        assertThat(results).anyMatch(r -> r.caseName().equals(c + " characters") && r.quantity().equals("encodings (one word at a time)"));
        assertThat(results).anyMatch(r -> r.caseName().equals(c + " training pass") && r.quantity().equals("loss"));
        for (String p : List.of("char_embeddings.weight", "char_lstm.weight_ih_l0", "char_lstm.weight_hh_l0_reverse",
                "char_lstm.bias_hh_l0_reverse", "word_embeddings.weight", "lstm.weight_ih_l0", "hidden2tag.bias",
                "delayed2tag.0.weight", "delayed2tag.1.bias")) {
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " training pass") && r.quantity().equals("grad " + p));
        }
        for (int d = 0; d <= 2; d++) {
            String head = "head " + d + " log-probs";
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " stepwise") && r.quantity().equals(head));
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " batched steps") && r.quantity().equals(head));
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " batched product") && r.quantity().equals(head));
            String best = "head " + d + " best tags";
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " training pass") && r.quantity().equals(best));
            assertThat(results).anyMatch(r -> r.caseName().equals(c + " training pass") && r.quantity().equals(head));
        }
        assertThat(results).anyMatch(r -> r.caseName().equals(c + " offline") && r.quantity().equals("probabilities of those tags"));
    }

    @Test
    void aPerturbedReverseCharacterWeightIsReportedInTheEncodingsAndTheHeads() {
        JsonNode f = Fixtures.load("char_tagger.json");
        ArrayNode row = (ArrayNode) f.get("cases").get(0).get("weights").get("char_lstm.weight_ih_l0_reverse").get(0);
        row.set(0, row.get(0).asDouble() + 1e-2);

        List<FixtureCheck.Result> results = FixtureCheck.check(f);

        assertThat(results).anyMatch(r -> !r.ok() && r.quantity().equals("encodings (batched)"));
        assertThat(results).anyMatch(r -> !r.ok() && r.caseName().endsWith("stepwise") && r.quantity().equals("head 2 log-probs"));
    }

    @Test
    void aDelayedHeadsGradientOffByMoreThanTheToleranceFails() {
        JsonNode f = Fixtures.load("char_tagger.json");
        ArrayNode bias = (ArrayNode) f.get("cases").get(0).get("float32").get("grads").get("delayed2tag.1.bias");
        bias.set(0, bias.get(0).asDouble() + 2e-4);

        List<FixtureCheck.Result> results = FixtureCheck.check(f);

        assertThat(results).filteredOn(r -> !r.ok()).extracting(FixtureCheck.Result::quantity).containsExactly("grad delayed2tag.1.bias");
    }
}
