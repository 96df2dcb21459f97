package io.vigie.ingest.codec.cef;

import io.vigie.engine.ring.TelemetryEvent;

/**
 * ArcSight CEF decoder: header fields and extensions, mapped to ECS (DESIGN.md section 2), unmapped keys kept.
 * Confined to the publishing thread; no allocation per frame in the steady state; never throws for bad input.
 */
public final class CefDecoder {
    /**
     * Decodes {@code event.raw()[offset, end)}, which starts with {@code CEF:}. Header fields already decoded by a
     * syslog header decoder are kept. On bad input sets {@code event.rejectReason} and returns false.
     */
    public boolean decode(final TelemetryEvent event, final int offset, final int end) {
        return false;
    }
}
