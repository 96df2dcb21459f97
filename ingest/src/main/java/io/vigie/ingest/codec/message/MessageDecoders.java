package io.vigie.ingest.codec.message;

import io.vigie.engine.ring.TelemetryEvent;

/**
 * Dispatches the free-text message of an event to the decoder of its program (sshd, sudo, auditd, web access log,
 * iptables, ...), which adds ECS fields and sets the Sigma logsource. Called by the header decoders once the
 * header fields ({@code process.name}, {@code log.syslog.appname}, {@code message}) are in place; also called on
 * header-less lines (program unknown: dispatch by the shape of the line).
 *
 * <p>Confined to the publishing thread; no allocation per frame in the steady state; never throws for bad input.
 * A line no decoder knows stays a valid event with {@code message} only, counted as undecoded.
 */
public final class MessageDecoders {
    /** Decoders with the built-in set and no user-defined extractors. */
    public MessageDecoders() {
    }

    /**
     * Decodes {@code event.raw()[msgOffset, msgEnd)}, the message part of the frame.
     *
     * @return true when a decoder recognised the message
     */
    public boolean decode(final TelemetryEvent event, final int msgOffset, final int msgEnd) {
        return false;
    }
}
