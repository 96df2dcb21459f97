package io.vigie.ingest.codec.syslog;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class AutoDetectDecoderTest {
    private static TelemetryEvent decode(final int format, final String line) {
        return decode(format, line, new DecoderSettings());
    }

    private static TelemetryEvent decode(final int format, final String line, final DecoderSettings settings) {
        final AutoDetectDecoder d = new AutoDetectDecoder(format, settings, new MessageDecoders());
        final TelemetryEvent e = TestCorpus.event(line);
        e.receivedNanos = 1_546_300_800_000_000_000L;
        d.decode(e);
        return e;
    }

    @Test
    void shouldDetectEachFormat() {
        assertEquals(EventFormat.RFC5424, decode(EventFormat.AUTO, "<34>1 - h a - - - m").format);
        assertEquals(EventFormat.RFC3164, decode(EventFormat.AUTO, "<34>Oct 11 22:14:15 h su: m").format);
        assertEquals(EventFormat.RFC3164, decode(EventFormat.AUTO, "Oct 11 22:14:15 h su: m").format);
        assertEquals(EventFormat.RFC3164, decode(EventFormat.AUTO, "2018-02-01T20:28:36Z h su: m").format);
        assertEquals(EventFormat.CEF, decode(EventFormat.AUTO, "CEF:0|a|b|1|2|n|3|").format);
        assertEquals(EventFormat.JSON, decode(EventFormat.AUTO, "{\"a\":1}").format);
        final TelemetryEvent plain = decode(EventFormat.AUTO, "March madness is here\r\n");
        assertEquals(EventFormat.PLAIN, plain.format);
        assertEquals(0, plain.rejectReason);
        assertEquals("March madness is here", plain.get(Fields.MESSAGE));
        assertEquals(EventFormat.PLAIN, decode(EventFormat.AUTO, "type=EXECVE msg=audit(1.2:3): argc=2").format);
    }

    @Test
    void shouldTrimTrailingDelimitersAndRejectEmptyFrames() {
        final TelemetryEvent e = decode(EventFormat.AUTO, "<34>1 - h a - - - msg\r\n\0");
        assertEquals("msg", e.get(Fields.MESSAGE));
        assertEquals(RejectReason.EMPTY_FRAME.ordinal(), decode(EventFormat.AUTO, "").rejectReason);
        assertEquals(RejectReason.EMPTY_FRAME.ordinal(), decode(EventFormat.AUTO, "\r\n").rejectReason);
        final TelemetryEvent raw = TestCorpus.event("x\n".getBytes(StandardCharsets.US_ASCII));
        new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(), new MessageDecoders()).decode(raw);
        assertEquals(2, raw.rawLength());
    }

    @Test
    void shouldRejectForcedFormatsThatDoNotFit() {
        assertEquals(RejectReason.FORMAT_MISMATCH.ordinal(),
            decode(EventFormat.RFC5424, "Oct 11 22:14:15 h su: m").rejectReason);
        assertEquals(RejectReason.FORMAT_MISMATCH.ordinal(), decode(EventFormat.RFC3164, "hello").rejectReason);
        assertEquals(RejectReason.FORMAT_MISMATCH.ordinal(),
            decode(EventFormat.JSON, "<34>1 - - - - - -").rejectReason);
        assertEquals(RejectReason.FORMAT_MISMATCH.ordinal(), decode(EventFormat.CEF, "no cef here").rejectReason);
        assertEquals(RejectReason.BAD_VERSION.ordinal(),
            decode(EventFormat.RFC5424, "<34>Oct 11 22:14:15 h su: m").rejectReason);
        final TelemetryEvent forced3164 = decode(EventFormat.RFC3164, "<34>Oct 11 22:14:15 h su: m");
        assertEquals(0, forced3164.rejectReason);
        assertEquals("su", forced3164.get(Fields.PROCESS_NAME));
        final TelemetryEvent plain = decode(EventFormat.PLAIN, "<34>1 - h a - - - m");
        assertEquals(EventFormat.PLAIN, plain.format);
        assertEquals("<34>1 - h a - - - m", plain.get(Fields.MESSAGE));
        assertEquals(0, decode(EventFormat.CEF, "1493738863000 host CEF:0|a|b|1|2|n|3|").rejectReason);
    }

    @Test
    void shouldKeepMalformedFramesAsPlainWhenLenient() {
        final DecoderSettings lenient = new DecoderSettings();
        lenient.lenient = true;
        final TelemetryEvent e = decode(EventFormat.AUTO, "<999>1 - h a - - - m", lenient);
        assertEquals(0, e.rejectReason);
        assertEquals(EventFormat.PLAIN, e.format);
        assertEquals(AutoDetectDecoder.FLAG_LENIENT, e.flags & AutoDetectDecoder.FLAG_LENIENT);
        assertEquals("<999>1 - h a - - - m", e.get(Fields.MESSAGE));
        assertEquals(RejectReason.EMPTY_FRAME.ordinal(), decode(EventFormat.AUTO, "\n", lenient).rejectReason);
    }
}
