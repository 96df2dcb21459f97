package io.vigie.ingest.codec;

import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.codec.syslog.TestCorpus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Field values may point into the raw frame (no copy), so no decoder may change a byte of it: the raw bytes are the
 * evidence the journal keeps. Every line of the real-log corpora, through the listener's decoder in every format it
 * can be forced to, must leave the frame exactly as received.
 */
class RawImmutabilityTest {
    private static final List<String> FILES = List.of("syslog/elastic-examples/auth.log",
        "syslog/elastic-examples/apache_access_combined.log", "syslog/parser-test-lines.rfc5424.log",
        "syslog/parser-test-lines.rfc3164.log", "cef/parser-test-lines.valid.cef",
        "cef/parser-test-lines.invalid.cef");

    @Test
    void shouldLeaveEveryFrameAsReceived() throws IOException {
        int checked = 0;
        for (final int format : new int[] {EventFormat.AUTO, EventFormat.RFC5424, EventFormat.RFC3164,
            EventFormat.CEF, EventFormat.JSON, EventFormat.PLAIN}) {
            final AutoDetectDecoder d = new AutoDetectDecoder(format, new DecoderSettings(), new MessageDecoders());
            for (final String file : FILES) {
                final Path p = TestCorpus.dir().resolve(file);
                for (final String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    final byte[] sent = line.getBytes(StandardCharsets.UTF_8);
                    final TelemetryEvent e = TestCorpus.event(sent);
                    d.decode(e);
                    assertArrayEquals(sent, Arrays.copyOf(e.raw(), e.rawLength()), file + ": " + line);
                    checked++;
                }
            }
        }
        assertTrue(checked > 10_000, "lines checked: " + checked);
    }
}
