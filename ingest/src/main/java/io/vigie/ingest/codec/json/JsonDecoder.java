package io.vigie.ingest.codec.json;

import io.vigie.engine.ring.TelemetryEvent;

/**
 * Decodes one JSON object (ECS or flat vendor fields) into the event's fields, nested objects flattened to dotted
 * names. Confined to the publishing thread; never throws for bad input.
 */
public final class JsonDecoder {
    /**
     * Decodes {@code event.raw()[offset, end)}, which starts with {@code {}. On bad input sets
     * {@code event.rejectReason} and returns false.
     */
    public boolean decode(final TelemetryEvent event, final int offset, final int end) {
        return false;
    }
}
