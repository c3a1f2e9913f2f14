package io.stepwise.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The exactly-one-result check: each way it can fail, and the way it passes. */
class ResultLedgerTest {

    private static ResultLedger threeElements() {
        ResultLedger l = new ResultLedger();
        l.expect("chat-0", 1);
        l.expect("chat-0", 2);
        l.expect("chat-1", 1);
        return l;
    }

    @Test
    void oneResultPerElementPasses() {
        ResultLedger l = threeElements();
        l.record("chat-1", 1);
        l.record("chat-0", 2);
        assertThat(l.complete()).isFalse();
        l.record("chat-0", 1);

        assertThat(l.complete()).isTrue();
        ResultLedger.Verdict v = l.verdict();
        assertThat(v.exactlyOne()).isTrue();
        assertThat(v.expected()).isEqualTo(3);
        assertThat(v.describe()).isEqualTo("all 3 elements have exactly one result");
    }

    @Test
    void anElementWithoutAResultIsMissingAndNamed() {
        ResultLedger l = threeElements();
        l.record("chat-0", 1);
        l.record("chat-1", 1);

        ResultLedger.Verdict v = l.verdict();
        assertThat(l.complete()).isFalse();
        assertThat(v.exactlyOne()).isFalse();
        assertThat(v.missing()).isEqualTo(1);
        assertThat(v.describe()).contains("1 without a result", "no result for chat-0 #2");
    }

    @Test
    void aSecondResultIsADuplicateEvenWhenEveryElementHasOne() {
        ResultLedger l = threeElements();
        l.record("chat-0", 1);
        l.record("chat-0", 2);
        l.record("chat-1", 1);
        l.record("chat-0", 2);

        assertThat(l.complete()).isTrue();
        ResultLedger.Verdict v = l.verdict();
        assertThat(v.exactlyOne()).isFalse();
        assertThat(v.duplicates()).isEqualTo(1);
        assertThat(v.missing()).isZero();
        assertThat(v.describe()).contains("1 duplicate results", "a second result for chat-0 #2");
    }

    @Test
    void aResultForAnElementNeverSentIsUnexpected() {
        ResultLedger l = threeElements();
        l.record("chat-0", 1);
        l.record("chat-0", 2);
        l.record("chat-1", 1);
        l.record("chat-0", 3);
        l.record("chat-9", 1);

        ResultLedger.Verdict v = l.verdict();
        assertThat(v.exactlyOne()).isFalse();
        assertThat(v.unexpected()).isEqualTo(2);
        assertThat(v.describe()).contains("chat-0 #3, which was never sent", "chat-9 #1");
    }

    @Test
    void sendingAnElementTwiceIsABugOfTheBenchmarkItself() {
        ResultLedger l = threeElements();
        assertThatThrownBy(() -> l.expect("chat-0", 2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailureNamesAFewElementsNotAll() {
        ResultLedger l = new ResultLedger();
        for (int i = 1; i <= 1000; i++) {
            l.expect("meter-0", i);
        }
        ResultLedger.Verdict v = l.verdict();
        assertThat(v.missing()).isEqualTo(1000);
        assertThat(v.examples()).hasSizeLessThanOrEqualTo(2 * ResultLedger.EXAMPLES);
    }

    @Test
    void aDelayedTaggerAnswersEachWordOnceAtOnceAndOnceFinally() {
        ResultLedger l = ResultLedger.withTagsAtOnce();
        l.expect("chat-0", 1);
        l.expect("chat-0", 2);
        l.record("chat-0", 1, true);
        l.record("chat-0", 2, true);
        l.record("chat-0", 1, false);
        assertThat(l.complete()).as("a final tag is still missing").isFalse();
        l.record("chat-0", 2, false);

        assertThat(l.complete()).isTrue();
        assertThat(l.verdict().exactlyOne()).isTrue();
        assertThat(l.verdict().describe()).isEqualTo("all 2 elements have exactly one tag at once and one final tag");
    }

    @Test
    void aDelayedTaggerWithoutTheTagAtOnceFailsThoughEveryFinalTagCame() {
        ResultLedger l = ResultLedger.withTagsAtOnce();
        l.expect("chat-0", 1);
        l.expect("chat-0", 2);
        l.record("chat-0", 1, true);
        l.record("chat-0", 1, false);
        l.record("chat-0", 2, false);

        ResultLedger.Verdict v = l.verdict();
        assertThat(l.complete()).isTrue();
        assertThat(v.exactlyOne()).isFalse();
        assertThat(v.missing()).isEqualTo(1);
        assertThat(v.describe()).contains("no tag at once for chat-0 #2");
    }

    @Test
    void aSecondTagAtOnceIsADuplicate() {
        ResultLedger l = ResultLedger.withTagsAtOnce();
        l.expect("chat-0", 1);
        l.record("chat-0", 1, true);
        l.record("chat-0", 1, false);
        l.record("chat-0", 1, true);

        ResultLedger.Verdict v = l.verdict();
        assertThat(v.duplicates()).isEqualTo(1);
        assertThat(v.describe()).contains("a second tag at once for chat-0 #1");
    }

    @Test
    void aTagAtOnceFromAModelWithoutDelayIsUnexpected() {
        ResultLedger l = threeElements();
        l.record("chat-0", 1, true);

        ResultLedger.Verdict v = l.verdict();
        assertThat(v.unexpected()).isEqualTo(1);
        assertThat(v.describe()).contains("from a model without decoding delay");
    }
}
