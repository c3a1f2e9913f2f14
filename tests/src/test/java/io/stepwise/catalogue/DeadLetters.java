package io.stepwise.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.wire.DeadLetter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Dead letters as a downstream reader sees them, found by the coordinates of the record each one refuses. */
final class DeadLetters {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, List<JsonNode>> byCoordinates = new LinkedHashMap<>();
    private final int count;

    DeadLetters(List<JsonNode> letters) {
        for (JsonNode l : letters) {
            byCoordinates.computeIfAbsent(coordinates(l.path("topic").asText(), l.path("partition").asInt(), l.path("offset").asLong()),
                    k -> new ArrayList<>()).add(l);
        }
        count = letters.size();
    }

    static DeadLetters of(List<ConsumerRecord<String, String>> records) {
        return new DeadLetters(records.stream().map(r -> read(r.value())).toList());
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a dead letter that is not JSON: " + json, e);
        }
    }

    static String coordinates(String topic, int partition, long offset) {
        return topic + "/" + partition + "@" + offset;
    }

    int count() {
        return count;
    }

    /** The letters for the record at these coordinates. */
    List<JsonNode> at(String topic, int partition, long offset) {
        return byCoordinates.getOrDefault(coordinates(topic, partition, offset), List.of());
    }

    /**
     * The record of {@code bad} at these coordinates has exactly one dead letter, with its reason, and
     * the letter keeps the record: its text (the beginning of an oversized one), and the exact bytes of
     * one that is not UTF-8.
     */
    void assertOneFor(BadInput bad, String topic, int partition, long offset) {
        List<JsonNode> letters = at(topic, partition, offset);
        assertThat(letters).as("dead letters of %s at %s", bad.name(), coordinates(topic, partition, offset)).hasSize(1);
        assertKeeps(letters.get(0), bad);
    }

    /** {@code letter} gives {@code bad}'s reason and holds its value. */
    static void assertKeeps(JsonNode letter, BadInput bad) {
        assertThat(letter.path("error").asText()).as("the reason for %s", bad.name()).contains(bad.reason());
        if (bad.value() == null) {
            assertThat(letter.path("value").isNull()).as("a tombstone's letter has a null value").isTrue();
        } else if (!bad.utf8()) {
            assertThat(Base64.getDecoder().decode(letter.path("value_base64").asText())).as("the exact bytes of %s", bad.name())
                    .isEqualTo(bad.value());
        } else if (bad.text().length() > DeadLetter.MAX_VALUE_CHARS) {
            assertThat(letter.path("value_truncated").asBoolean()).isTrue();
            assertThat(letter.path("value_length").asLong()).isEqualTo(bad.text().length());
            assertThat(bad.text()).startsWith(letter.path("value").asText());
        } else {
            assertThat(letter.path("value").asText()).isEqualTo(bad.text());
        }
    }
}
