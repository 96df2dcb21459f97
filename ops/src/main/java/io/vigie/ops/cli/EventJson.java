package io.vigie.ops.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vigie.engine.alert.AlertJson;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.SourceFiles;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.RejectReason;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one event read back from the raw journal (or quarantine) as a JSON line: {@code @timestamp},
 * {@code event.created}, every decoded field by its dotted name (several values of one name become an array),
 * then {@code vigie.seq}, {@code vigie.tlp}, {@code vigie.listener}, {@code vigie.format},
 * {@code log.source.address} ({@code ip:port} of the sender), {@code event.original} (the raw bytes when they are
 * valid UTF-8; otherwise {@code vigie.raw_base64}) and, for rejected frames, {@code vigie.reject_reason}.
 */
public final class EventJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private EventJson() {
    }

    /**
     * @param e           the event, fields decoded (or none)
     * @param listener    the listener name stored in the record
     * @param rejected    true for a quarantine record (adds {@code vigie.reject_reason})
     * @param decodeError why decoding failed, or null
     */
    public static String toJson(final TelemetryEvent e, final String listener, final boolean rejected,
                                final String decodeError) {
        final Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < e.fieldCount(); i++) {
            final String name = e.fieldName(i);
            if (name == null) {
                continue;
            }
            final String value = e.value(i);
            final Object prev = fields.get(name);
            if (prev == null) {
                fields.put(name, value);
            } else if (prev instanceof List) {
                @SuppressWarnings("unchecked")
                final List<String> l = (List<String>) prev;
                l.add(value);
            } else {
                final List<String> l = new ArrayList<>();
                l.add((String) prev);
                l.add(value);
                fields.put(name, l);
            }
        }
        final Map<String, Object> doc = new LinkedHashMap<>();
        final long time = e.timestampNanos != TelemetryEvent.NO_TIME ? e.timestampNanos : e.receivedNanos;
        doc.put("@timestamp", AlertJson.time(time));
        doc.put("event.created", AlertJson.time(e.receivedNanos));
        for (final Map.Entry<String, Object> f : fields.entrySet()) {
            doc.putIfAbsent(f.getKey(), f.getValue());
        }
        doc.put("vigie.seq", e.seq);
        doc.put("vigie.tlp", Tlp.of(e.tlp).label());
        doc.put("vigie.listener", listener);
        doc.put("vigie.format", EventFormat.name(e.format));
        final String peer = e.peerAddressString();
        if (peer != null) {
            doc.put("log.source.address", (peer.indexOf(':') >= 0 ? "[" + peer + "]" : peer) + ":" + e.peerPort);
        }
        if (e.sourceFile >= 0) {
            final String file = SourceFiles.name(e.sourceFile);
            doc.put("vigie.source", (file == null ? "#" + e.sourceFile : file) + ":" + e.sourceLine);
        }
        final String text = utf8(e.raw(), e.rawLength());
        if (text != null) {
            doc.put("event.original", text);
        } else {
            doc.put("event.original", new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8));
            doc.put("vigie.raw_base64", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(e.raw(),
                e.rawLength())));
        }
        if (rejected) {
            doc.put("vigie.reject_reason", RejectReason.of(e.rejectReason).label());
        }
        if (decodeError != null) {
            doc.put("vigie.decode_error", decodeError);
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256 + e.rawLength() * 2);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            AlertJson.writeValue(g, doc);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    /** The bytes as text when they are valid UTF-8, else null. */
    static String utf8(final byte[] b, final int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(b, 0, length)).toString();
        } catch (CharacterCodingException ex) {
            return null;
        }
    }
}
