package io.vigie.ingest.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.lmax.disruptor.RingBuffer;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigie.engine.Engine;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.FrameDecoder;
import io.vigie.ingest.codec.cef.CefDecoder;
import io.vigie.ingest.codec.json.JsonDecoder;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.codec.syslog.Rfc3164Decoder;
import io.vigie.ingest.codec.syslog.Rfc5424Decoder;
import io.vigie.ingest.framing.SyslogFrameDecoder;
import io.vigie.ingest.publish.RingPublisher;
import io.vigie.ingest.transport.relp.RelpFuzzSupport;
import io.vigie.ingest.transport.relp.RelpSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer targets for every framer and decoder. Invariants checked on each input: no exception escapes, the raw bytes
 * are untouched by decoding, every field value lies inside the arena, the reject reason is a valid one, and framers
 * publish only bounded substrings of what they were given. {@code ./mvnw verify} replays the saved corpus in
 * {@code src/test/resources/io/vigie/ingest/fuzz/DecoderFuzzTestInputs/<target>/} (regression mode); fuzz one target
 * with {@code JAZZER_FUZZ=1 ./mvnw -o -pl ingest test -Dtest='DecoderFuzzTest#rfc5424'}.
 */
class DecoderFuzzTest {
    private static final String MAX = "2m";
    private static final int FRAME_MAX = 512;

    @TempDir
    static Path dir;

    private static final DecoderSettings SETTINGS = new DecoderSettings();
    private static final MessageDecoders MESSAGES = new MessageDecoders();
    private static final CefDecoder CEF = new CefDecoder();
    private static final Rfc5424Decoder RFC5424 = new Rfc5424Decoder(SETTINGS, MESSAGES, CEF);
    private static final Rfc3164Decoder RFC3164 = new Rfc3164Decoder(SETTINGS, MESSAGES, CEF);
    private static final JsonDecoder JSON = new JsonDecoder();
    private static final AutoDetectDecoder AUTO = new AutoDetectDecoder(EventFormat.AUTO, SETTINGS, MESSAGES);
    private static final AutoDetectDecoder LENIENT;
    private static final TelemetryEvent EVENT = new TelemetryEvent();

    static {
        final DecoderSettings lenient = new DecoderSettings();
        lenient.lenient = true;
        LENIENT = new AutoDetectDecoder(EventFormat.AUTO, lenient, new MessageDecoders());
    }

    private static Engine engine;
    private static EngineCounters engineCounters;

    @BeforeAll
    static void startEngine() {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 1024;
        engineCounters = new EngineCounters();
        engine = new Engine(c, engineCounters);
        engine.start();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    // ---- decoders over one frame ----------------------------------------------------------------------------

    @FuzzTest(maxDuration = MAX)
    void rfc5424(final byte[] data) {
        decodeAndCheck(data, e -> RFC5424.decode(e, 0, e.rawLength()));
    }

    @FuzzTest(maxDuration = MAX)
    void rfc3164(final byte[] data) {
        decodeAndCheck(data, e -> RFC3164.decode(e, 0, e.rawLength()));
    }

    @FuzzTest(maxDuration = MAX)
    void cef(final byte[] data) {
        decodeAndCheck(data, e -> CEF.decode(e, 0, e.rawLength()));
    }

    @FuzzTest(maxDuration = MAX)
    void json(final byte[] data) {
        decodeAndCheck(data, e -> JSON.decode(e, 0, e.rawLength()));
    }

    @FuzzTest(maxDuration = MAX)
    void autoDetect(final byte[] data) {
        decodeAndCheck(data, AUTO);
        decodeAndCheck(data, LENIENT);
        // Lenient mode keeps every non-empty frame.
        assertTrue(EVENT.rejectReason == 0 || EVENT.rejectReason == RejectReason.EMPTY_FRAME.ordinal(),
            "lenient mode rejected a frame: " + RejectReason.of(EVENT.rejectReason));
    }

    @FuzzTest(maxDuration = MAX)
    void messageDecoders(final FuzzedDataProvider in) {
        final String program = in.pickValue(new String[] {"sshd", "sudo", "su", "CRON", "kernel", "auditd",
            "postfix/smtpd", "named", "nginx", "systemd-logind", "useradd", "myapp", "%ASA-6-302013", "audit"});
        final byte[] message = in.consumeRemainingAsBytes();
        final byte[] p = program.getBytes(StandardCharsets.US_ASCII);
        decodeAndCheck(message, e -> {
            e.addField(Fields.PROCESS_NAME, p, 0, p.length);
            e.addField(Fields.MESSAGE, e.raw(), 0, e.rawLength());
            MESSAGES.decode(e, 0, e.rawLength());
        });
    }

    // ---- framers --------------------------------------------------------------------------------------------

    @FuzzTest(maxDuration = MAX)
    void syslogFrameDecoder(final FuzzedDataProvider in) {
        final int chunk = in.consumeInt(1, 64);
        final boolean backPressure = in.consumeBoolean();
        final byte[] stream = in.consumeRemainingAsBytes();
        // No gating sequence: the ring never fills, the publisher's decoder sees every frame.
        final RingBuffer<TelemetryEvent> ring = RingBuffer.createSingleProducer(TelemetryEvent::new, 64);
        final ListenerCounters counters = new EngineCounters().listener("fuzz");
        final long[] bytes = {0};
        final FrameDecoder check = e -> {
            final int n = e.rawLength();
            assertTrue(n <= FRAME_MAX, "frame over the max: " + n);
            assertTrue(indexOf(stream, e.raw(), n) >= 0, "a frame is not a substring of the stream");
            bytes[0] += n;
            checkInvariants(e, AUTO, Arrays.copyOf(e.raw(), n));
        };
        final RingPublisher publisher = new RingPublisher(ring, counters, check, null,
            RingPublisher.Policy.BLOCK, 0);
        final EmbeddedChannel ch = new EmbeddedChannel(new SyslogFrameDecoder(publisher, FRAME_MAX, backPressure));
        for (int i = 0; i < stream.length && ch.isOpen(); i += chunk) {
            ch.writeInbound(Unpooled.wrappedBuffer(stream, i, Math.min(chunk, stream.length - i)));
            ch.runPendingTasks();
        }
        ch.finishAndReleaseAll();
        assertTrue(bytes[0] <= stream.length, "published more bytes than were sent");
        assertTrue(counters.received() <= stream.length + 1L);
    }

    @FuzzTest(maxDuration = MAX)
    void relpFrameDecoder(final FuzzedDataProvider in) {
        final int chunk = in.consumeInt(1, 64);
        final byte[] stream = in.consumeRemainingAsBytes();
        final RelpSettings s = new RelpSettings();
        s.maxDataBytes = 1024;
        s.maxPendingAcks = 8;
        final ListenerCounters counters = engineCounters.listener("relp-fuzz");
        final FrameDecoder check = e -> checkInvariants(e, AUTO, Arrays.copyOf(e.raw(), e.rawLength()));
        final EmbeddedChannel ch = RelpFuzzSupport.session(s, engine, counters, check);
        try {
            for (int i = 0; i < stream.length && ch.isOpen(); i += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(stream, i, Math.min(chunk, stream.length - i)));
                ch.runPendingTasks();
                drainOutbound(ch);
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    // ---- invariants -----------------------------------------------------------------------------------------

    /** One reusable event, like a ring slot: reset, raw copied in, decoded, checked. */
    private static void decodeAndCheck(final byte[] data, final FrameDecoder decoder) {
        final TelemetryEvent e = EVENT;
        e.reset();
        e.setRaw(data, 0, data.length);
        checkInvariants(e, decoder, data);
    }

    private static void checkInvariants(final TelemetryEvent e, final FrameDecoder decoder, final byte[] raw) {
        decoder.decode(e);
        assertArrayEquals(raw, Arrays.copyOf(e.raw(), e.rawLength()), "raw bytes changed by the decoder");
        assertTrue(e.rejectReason >= 0 && e.rejectReason < RejectReason.count(), "reject " + e.rejectReason);
        final int arena = e.arena().length;
        for (int i = 0; i < e.fieldCount(); i++) {
            final int off = e.valueOffset(i);
            final int len = e.valueLength(i);
            assertFalse(off < 0 || len < 0 || off + len > arena || off + len < 0,
                "field " + i + " [" + off + ", +" + len + ") outside the arena of " + arena);
        }
    }

    private static void drainOutbound(final EmbeddedChannel ch) {
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            ReferenceCountUtil.release(o);
        }
    }

    private static int indexOf(final byte[] hay, final byte[] needle, final int n) {
        if (n == 0) {
            return 0;
        }
        outer:
        for (int i = 0; i + n <= hay.length; i++) {
            for (int j = 0; j < n; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
