package io.stepwise.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples in the repository's examples/ folder are valid wire format v1. */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void everyExampleElementParses() throws Exception {
        for (String file : List.of("chat.jsonl", "meters.jsonl")) {
            List<String> lines = Files.readAllLines(EXAMPLES.resolve(file));
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                Element e = ElementCodec.parse(line);
                assertThat(e.stream()).isNotBlank();
            }
        }
    }

    @Test
    void theExampleAnnouncementParses() throws Exception {
        ModelAnnouncement a = ModelAnnouncement.parse(Files.readString(EXAMPLES.resolve("model-announcement.json")));
        assertThat(a.model()).isEqualTo("tagger");
        assertThat(a.uri()).startsWith("file:///");
        ModelAnnouncement signed = ModelAnnouncement.parse(Files.readString(EXAMPLES.resolve("model-announcement-signed.json")));
        assertThat(signed.signed()).isTrue();
        assertThat(signed.withSignature(null, null)).isEqualTo(a);
    }
}
