package io.vigie.ingest.codec;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.cef.CefDecoder;
import io.vigie.ingest.codec.json.JsonDecoder;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.codec.syslog.Rfc3164Decoder;
import io.vigie.ingest.codec.syslog.Rfc5424Decoder;

/**
 * Detects the format of each frame (RFC 5424, RFC 3164, CEF, JSON, plain) and runs its decoder, or runs the forced
 * format. Confined to the publishing thread.
 *
 * <p>Detection, on the frame without its trailing CR/LF/NUL bytes: {@code <digits>1 } is RFC 5424; any other
 * {@code <} is RFC 3164 (which rejects a bad PRI); {@code CEF:} is bare CEF; <code>{</code> is JSON; a month name and
 * a day, or an RFC 3339 date, is RFC 3164 without PRI; {@code CEF:} after a space within the first 1 KiB is CEF behind
 * a prefix (an epoch and a host); anything else is a PLAIN line kept whole as {@code message}.
 * With {@link DecoderSettings#lenient}, a rejected frame (other than empty) becomes a PLAIN event flagged
 * {@link #FLAG_LENIENT}.
 */
public final class AutoDetectDecoder implements FrameDecoder {
    /** {@code TelemetryEvent.flags} bit: the frame was malformed and kept as plain text (lenient mode). */
    public static final int FLAG_LENIENT = 1;

    private static final int CEF_SCAN_LIMIT = 1024;

    private final int format;
    private final boolean lenient;
    private final int product;
    private final MessageDecoders messages;
    private final CefDecoder cef = new CefDecoder();
    private final JsonDecoder json = new JsonDecoder();
    private final Rfc5424Decoder rfc5424;
    private final Rfc3164Decoder rfc3164;

    /**
     * @param format   {@code EventFormat.AUTO} or a forced {@code EventFormat} code
     * @param settings decoder settings of the listener
     * @param messages message decoders (thread-confined instance for this decoder)
     */
    public AutoDetectDecoder(final int format, final DecoderSettings settings, final MessageDecoders messages) {
        this.format = format;
        this.lenient = settings.lenient;
        this.product = Logsources.id(settings.defaultProduct);
        this.messages = messages;
        this.rfc5424 = new Rfc5424Decoder(settings, messages, cef);
        this.rfc3164 = new Rfc3164Decoder(settings, messages, cef);
    }

    @Override
    public void decode(final TelemetryEvent event) {
        final byte[] b = event.raw();
        int end = event.rawLength();
        while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == 0)) {
            end--;
        }
        if (end == 0) {
            event.rejectReason = RejectReason.EMPTY_FRAME.ordinal();
            return;
        }
        final boolean ok = format == EventFormat.AUTO ? detect(event, b, end) : forced(event, b, end);
        if (!ok && lenient && event.rejectReason != RejectReason.EMPTY_FRAME.ordinal()
            && event.rejectReason != 0) {
            event.clearFields();
            event.rejectReason = 0;
            event.flags |= FLAG_LENIENT;
            plain(event, end);
        }
    }

    private boolean detect(final TelemetryEvent e, final byte[] b, final int end) {
        final byte first = b[0];
        if (first == '<') {
            return Rfc5424Decoder.looksLikeRfc5424(b, 0, end) ? rfc5424.decode(e, 0, end) : rfc3164.decode(e, 0, end);
        }
        if (isCef(b, 0, end)) {
            e.format = EventFormat.CEF;
            return cef(e, 0, end);
        }
        if (first == '{') {
            e.format = EventFormat.JSON;
            return json(e, end);
        }
        if (Rfc3164Decoder.looksLikeBsdTimestamp(b, 0, end) || Rfc3164Decoder.looksLikeIsoTimestamp(b, 0, end)) {
            return rfc3164.decode(e, 0, end);
        }
        // CEF behind a prefix that is not a syslog header ("1493738863000 host CEF:0|...", as ArcSight relays
        // write it): the record is decoded, not kept as plain text.
        final int at = indexOfCef(b, end);
        if (at > 0 && b[at - 1] == ' ') {
            return prefixedCef(e, b, at, end);
        }
        return plain(e, end);
    }

    /**
     * CEF at {@code at} behind a non-syslog prefix. A prefix of exactly an epoch (10 digits: seconds, 13:
     * milliseconds) and a host gives the event time and {@code host.name} (a time in the record, {@code rt},
     * overrides it); any other prefix is left in the raw bytes only.
     */
    private boolean prefixedCef(final TelemetryEvent e, final byte[] b, final int at, final int end) {
        e.format = EventFormat.CEF;
        e.logProduct = product;
        int digits = 0;
        while (digits < at && b[digits] >= '0' && b[digits] <= '9') {
            digits++;
        }
        final int hostEnd = at - 1;
        if ((digits == 10 || digits == 13) && b[digits] == ' ' && hostEnd > digits + 1
            && indexOf(b, digits + 1, hostEnd, (byte) ' ') < 0) {
            long epoch = 0;
            for (int i = 0; i < digits; i++) {
                epoch = epoch * 10 + (b[i] - '0');
            }
            e.timestampNanos = digits == 13 ? epoch * 1_000_000L : epoch * 1_000_000_000L;
            e.addRawField(Fields.HOST_NAME, digits + 1, hostEnd - digits - 1);
        }
        return cef(e, at, end);
    }

    private static int indexOf(final byte[] b, final int from, final int end, final byte c) {
        for (int i = from; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private boolean forced(final TelemetryEvent e, final byte[] b, final int end) {
        switch (format) {
            case EventFormat.RFC5424:
                if (b[0] != '<') {
                    return mismatch(e);
                }
                return rfc5424.decode(e, 0, end);
            case EventFormat.RFC3164:
                if (b[0] != '<' && !Rfc3164Decoder.looksLikeBsdTimestamp(b, 0, end)
                    && !Rfc3164Decoder.looksLikeIsoTimestamp(b, 0, end)) {
                    return mismatch(e);
                }
                return rfc3164.decode(e, 0, end);
            case EventFormat.CEF:
                return forcedCef(e, b, end);
            case EventFormat.JSON:
                if (b[0] != '{') {
                    return mismatch(e);
                }
                e.format = EventFormat.JSON;
                return json(e, end);
            case EventFormat.PLAIN:
                return plain(e, end);
            default:
                return detect(e, b, end);
        }
    }

    /** Forced CEF: bare, behind a syslog header, or behind another prefix (an epoch, a host). */
    private boolean forcedCef(final TelemetryEvent e, final byte[] b, final int end) {
        final int at = indexOfCef(b, end);
        if (at < 0) {
            return mismatch(e);
        }
        if (at > 0 && b[0] == '<') {
            final boolean ok = Rfc5424Decoder.looksLikeRfc5424(b, 0, end) ? rfc5424.decode(e, 0, end)
                : rfc3164.decode(e, 0, end);
            return (ok || e.rejectReason != 0) ? ok : mismatch(e);
        }
        if (at > 0 && Rfc3164Decoder.looksLikeBsdTimestamp(b, 0, end)) {
            return rfc3164.decode(e, 0, end);
        }
        return at == 0 ? bareCef(e, end) : prefixedCef(e, b, at, end);
    }

    private boolean bareCef(final TelemetryEvent e, final int end) {
        e.format = EventFormat.CEF;
        e.logProduct = product;
        return cef(e, 0, end);
    }

    private boolean cef(final TelemetryEvent e, final int offset, final int end) {
        if (cef.decode(e, offset, end)) {
            return true;
        }
        if (e.rejectReason != 0) {
            return false;
        }
        // The CEF decoder declined without a reason: keep the line as text.
        e.addRawField(Fields.MESSAGE, offset, end - offset);
        return true;
    }

    private boolean json(final TelemetryEvent e, final int end) {
        if (json.decode(e, 0, end)) {
            return true;
        }
        if (e.rejectReason != 0) {
            return false;
        }
        e.addRawField(Fields.MESSAGE, 0, end);
        return true;
    }

    private boolean plain(final TelemetryEvent e, final int end) {
        e.format = EventFormat.PLAIN;
        e.logProduct = product;
        e.addRawField(Fields.MESSAGE, 0, end);
        messages.decode(e, 0, end);
        return true;
    }

    private static boolean mismatch(final TelemetryEvent e) {
        e.rejectReason = RejectReason.FORMAT_MISMATCH.ordinal();
        return false;
    }

    private static boolean isCef(final byte[] b, final int i, final int end) {
        return end - i >= 4 && b[i] == 'C' && b[i + 1] == 'E' && b[i + 2] == 'F' && b[i + 3] == ':';
    }

    private static int indexOfCef(final byte[] b, final int end) {
        final int limit = Math.min(end - 3, CEF_SCAN_LIMIT);
        for (int i = 0; i < limit; i++) {
            if (b[i] == 'C' && isCef(b, i, end)) {
                return i;
            }
        }
        return -1;
    }
}
