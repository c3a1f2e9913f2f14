package io.stepwise.wire;

/**
 * A parsed element with the record it came from (coordinates and raw value), so that a later
 * stage can still dead-letter it (a token sent to a sum model, say) exactly as it arrived.
 */
public record SourcedElement(Element element, String topic, int partition, long offset, String raw) {

    /** An element that did not come from a record (tests, generated input). */
    public static SourcedElement of(Element element) {
        return new SourcedElement(element, "", -1, -1, ElementCodec.write(element));
    }

    public String stream() {
        return element.stream();
    }
}
