package io.stepwise.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelAnnouncementTest {

    private static final String SHA = "abababababababababababababababababababababababababababababababab";

    @Test
    void readsWhatItWrites() throws Exception {
        ModelAnnouncement a = ModelAnnouncement.at("tagger", 4, "file:///models/tagger-v4.stepwise", SHA);
        assertThat(ModelAnnouncement.parse(a.toJson())).isEqualTo(a);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json|model announcement: not JSON",
        "[1]|model announcement: not a JSON object: ARRAY",
        "{\"model\":\"tagger\",\"version\":4,\"sha256\":\"" + SHA + "\",\"uri\":\"file:///m\"}}|model announcement: trailing characters",
        "{\"model\":\"tagger\",\"version\":4,\"version\":9,\"sha256\":\"" + SHA + "\",\"uri\":\"file:///m\"}|model announcement: 'version' is given twice",
        "{\"model\":\"tagger\",\"version\":\"4\",\"sha256\":\"" + SHA + "\",\"uri\":\"file:///m\"}|needs an integer 'version' >= 1, got \"4\"",
        "{\"model\":\"tagger\",\"version\":4.5,\"sha256\":\"" + SHA + "\",\"uri\":\"file:///m\"}|needs an integer 'version' >= 1, got 4.5",
        "{\"model\":\"tagger\",\"sha256\":\"" + SHA + "\",\"uri\":\"file:///m\"}|needs an integer 'version' >= 1, got none",
        "{\"model\":\"tagger\",\"version\":4,\"sha256\":\"ABC\",\"uri\":\"file:///m\"}|needs 'sha256': 64 lower-case hex digits, got \"ABC\"",
        "{\"model\":\"tagger\",\"version\":4,\"sha256\":\"" + SHA + "\",\"uri\":7}|'uri' must be a string, got NUMBER",
        "{\"model\":\"tagger\",\"version\":4,\"sha256\":\"" + SHA + "\",\"inline\":{}}|'inline' must be a string, got OBJECT",
    })
    void malformedAnnouncementsAreRefusedWithAReason(String raw, String reason) {
        assertThatThrownBy(() -> ModelAnnouncement.parse(raw)).isInstanceOf(InvalidElementException.class).hasMessageContaining(reason);
    }
}
