package io.stepwise.wire;

/**
 * A parsed element with the coordinates of the record it came from, so that a later stage can still
 * dead-letter it (a token sent to a sum model, say) with its topic, partition and offset.
 */
public record SourcedElement(Element element, String topic, int partition, long offset) {

    public static SourcedElement of(Element element) {
        return new SourcedElement(element, "", -1, -1);
    }

    public String stream() {
        return element.stream();
    }
}
