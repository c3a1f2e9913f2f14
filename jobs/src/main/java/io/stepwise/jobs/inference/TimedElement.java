package io.stepwise.jobs.inference;

import io.stepwise.wire.SourcedElement;

/** An element held until the watermark passes {@code at}, its event time (replays). */
public record TimedElement(long at, SourcedElement element) {
}
