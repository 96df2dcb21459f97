package io.vigie.engine.status;

import java.util.Locale;

/**
 * Why a frame was rejected (bad input). Each reason is a counter per listener
 * ({@code vigie_events_rejected_total{listener,reason}}) and the raw bytes go to the quarantine.
 * Ordinals are persisted in the quarantine journal: append only, never reorder.
 */
public enum RejectReason {
    /** Not a reject (ordinal 0 means "accepted" on {@code TelemetryEvent.rejectReason}). */
    NONE,
    /** The frame exceeds the listener's max frame bytes; the kept bytes are a prefix. */
    FRAME_TOO_LONG,
    /** RFC 6587 octet count malformed (too many digits, zero, over the max). */
    BAD_OCTET_COUNT,
    /** Empty frame (no bytes between delimiters). */
    EMPTY_FRAME,
    /** PRI missing, malformed or out of range (RFC 5424 section 6.2.1: 0..191, no leading zeros). */
    BAD_PRI,
    /** RFC 5424 VERSION not 1. */
    BAD_VERSION,
    /** Timestamp malformed or impossible. */
    BAD_TIMESTAMP,
    /** A header field malformed or too long (HOSTNAME, APP-NAME, PROCID, MSGID). */
    BAD_HEADER,
    /** RFC 5424 STRUCTURED-DATA malformed, unterminated or over the element limit. */
    BAD_STRUCTURED_DATA,
    /** Invalid UTF-8 where UTF-8 is required (after a BOM, in JSON). */
    BAD_UTF8,
    /** CEF header has too few fields or a bad version. */
    CEF_BAD_HEADER,
    /** CEF escape sequence invalid. */
    CEF_BAD_ESCAPE,
    /** CEF extension malformed (key without value, too many pairs). */
    CEF_BAD_EXTENSION,
    /** JSON not a valid object. */
    BAD_JSON,
    /** Format forced on the listener does not match the frame. */
    FORMAT_MISMATCH,
    /** Too many fields or structured-data elements. */
    TOO_MANY_FIELDS,
    /** A control character where none is allowed. */
    BAD_CHARACTER,
    /** Framing lost on a stream (the connection was closed after it). */
    FRAMING_LOST,
    /** RELP protocol violation. */
    BAD_RELP,
    /** Any other decoder failure (a bug if it shows up: see the error log). */
    DECODER_ERROR;

    private static final RejectReason[] VALUES = values();
    private final String label = name().toLowerCase(Locale.ROOT);

    /** Prometheus / CLI label. */
    public String label() {
        return label;
    }

    /** The reason for an ordinal, {@link #DECODER_ERROR} when out of range. */
    public static RejectReason of(final int ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : DECODER_ERROR;
    }

    /** Number of reasons. */
    public static int count() {
        return VALUES.length;
    }
}
