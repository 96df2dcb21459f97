package io.vigie.ingest.transport.relp;

import io.vigie.engine.Engine;
import io.vigie.engine.event.Fields;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import io.vigie.ingest.codec.FrameDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
public class RelpListenerTest {
    /** Puts the whole frame in {@code message} (the auto-detector is another component). */
    public static final FrameDecoder WHOLE_FRAME = e -> {
        e.addRawField(Fields.MESSAGE, 0, e.rawLength());
        e.format = EventFormat.PLAIN;
    };

    @TempDir
    Path dir;

    private EngineCounters counters;
    private Engine engine;
    private RelpListener listener;

    @BeforeEach
    void start() throws Exception {
        counters = new EngineCounters();
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir;
        c.ringSize = 64;
        engine = new Engine(c, counters);
        engine.start();
        final RelpSettings s = new RelpSettings();
        s.port = 0;
        s.maxDataBytes = 1024;
        listener = new RelpListener(s, engine, counters, () -> WHOLE_FRAME);
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.close();
        engine.close();
    }

    @Test
    void shouldAcknowledgeOnlyJournaledEventsExactlyOnce() throws Exception {
        final int n = 300;
        try (RelpClient client = new RelpClient(listener.port())) {
            client.send(1, "open", "relp_version=0\nrelp_software=test\ncommands=syslog");
            final RelpClient.Frame open = client.read();
            assertEquals(1, open.txnr);
            assertEquals("rsp", open.command);
            assertTrue(open.data.startsWith("200 OK\n"), open.data);
            assertTrue(open.data.contains("relp_version=0"), open.data);
            assertTrue(open.data.contains("commands=syslog"), open.data);
            // Pipelined: more frames than ring slots, so back-pressure is exercised too.
            final StringBuilder burst = new StringBuilder();
            for (int i = 0; i < n; i++) {
                burst.append(new String(RelpClient.frame(i + 2, "syslog", "<13>test message " + i),
                    StandardCharsets.UTF_8));
            }
            client.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < n; i++) {
                final RelpClient.Frame ack = client.read();
                assertNotNull(ack);
                assertEquals(i + 2, ack.txnr, "acks in txnr order");
                assertEquals("rsp", ack.command);
                assertEquals("200 OK", ack.data);
                if (i % 25 == 0 || i == n - 1) {
                    // Acknowledged means journaled: the message is already in the raw journal.
                    assertTrue(journal().containsKey("<13>test message " + i), "ack before journal for " + i);
                }
            }
            client.send(n + 2, "close", "");
            final RelpClient.Frame close = client.read();
            assertEquals(n + 2, close.txnr);
            assertEquals("rsp", close.command);
            assertTrue(client.closedByPeer());
        }
        assertTrue(engine.drain(10, TimeUnit.SECONDS));
        final Map<String, Long> journal = journal();
        assertEquals(n, journal.size(), "each event journaled exactly once");
        for (int i = 0; i < n; i++) {
            assertEquals(i + 2, journal.get("<13>test message " + i), "txnr kept with the event");
        }
        final ListenerCounters l = counters.listener("relp");
        assertEquals(n, l.received());
        assertEquals(n, l.persisted());
        assertTrue(l.balanced());
    }

    @Test
    void shouldAddTheTxnrField() {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.setRaw("x".getBytes(StandardCharsets.UTF_8), 0, 1);
        e.sourceFile = -1;
        e.sourceLine = 42;
        new RelpHandler.TxnrDecoder(WHOLE_FRAME).decode(e);
        assertEquals("42", e.get("relp.txnr"));
        assertEquals("x", e.get("message"));
    }

    @Test
    void shouldRejectMalformedFramesAndKeepServing() throws Exception {
        final String[] bad = {
            "abc syslog 5 hello\n",                      // bad txnr
            "1234567890 syslog 5 hello\n",               // txnr over 9 digits
            "2 syslog 5000 " + "x".repeat(5000) + "\n",  // DATALEN over the cap
            "3 syslog 5 helloX",                         // missing trailer
            "4 sys-log 5 hello\n",                       // bad command
        };
        for (final String frame : bad) {
            try (RelpClient client = new RelpClient(listener.port())) {
                client.send(1, "open", "relp_version=0");
                client.read();
                client.sendRaw(frame.getBytes(StandardCharsets.UTF_8));
                assertTrue(client.closedByPeer(), frame);
            }
        }
        // The listener keeps serving well-formed sessions.
        try (RelpClient client = new RelpClient(listener.port())) {
            client.send(1, "open", "relp_version=0");
            client.read();
            client.send(2, "syslog", "<13>still fine");
            final RelpClient.Frame ack = client.read();
            assertEquals(2, ack.txnr);
            assertEquals("200 OK", ack.data);
            client.send(3, "unknowncmd", "");
            assertTrue(client.read().data.startsWith("500"));
        }
        assertTrue(engine.drain(10, TimeUnit.SECONDS));
        final ListenerCounters l = counters.listener("relp");
        waitFor(() -> l.rejected(RejectReason.BAD_RELP) == bad.length);
        assertEquals(bad.length, l.rejected(RejectReason.BAD_RELP));
        assertEquals(1, l.persisted());
        assertTrue(l.balanced());
    }

    @Test
    void shouldRejectSyslogBeforeOpen() throws Exception {
        try (RelpClient client = new RelpClient(listener.port())) {
            client.send(1, "syslog", "<13>too early");
            assertTrue(client.closedByPeer());
        }
        final ListenerCounters l = counters.listener("relp");
        waitFor(() -> l.rejected(RejectReason.BAD_RELP) == 1);
    }

    private Map<String, Long> journal() {
        final Map<String, Long> out = new HashMap<>();
        final TelemetryEvent e = new TelemetryEvent();
        try (RawJournalReader r = new RawJournalReader(dir.resolve("raw"))) {
            while (r.next(e)) {
                final String raw = new String(e.raw(), 0, e.rawLength(), StandardCharsets.UTF_8);
                if (out.put(raw, e.sourceLine) != null) {
                    throw new AssertionError("duplicate in journal: " + raw);
                }
            }
        }
        return out;
    }

    static void waitFor(final java.util.function.BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met in time");
            Thread.sleep(5);
        }
    }
}
