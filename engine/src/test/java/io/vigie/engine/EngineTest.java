package io.vigie.engine;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.event.Fields;
import io.vigie.engine.journal.AlertTailer;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.engine.status.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldJournalEveryEventQuarantineRejectsAndAppendAlerts() throws Exception {
        final EngineCounters counters = new EngineCounters();
        final ListenerCounters listener = counters.listener("test");
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir;
        c.ringSize = 1024;
        c.workers = 2;
        c.detectorFactory = (ordinal, workers) -> (event, sink) -> {
            // Every worker sees every event; a detector owns the events whose seq falls in its partition.
            if (event.seq % workers == ordinal && event.getLong(Fields.EVENT_CODE, -1) % 1000 == 0) {
                final Alert a = new Alert();
                a.ruleId = "r1";
                a.ruleTitle = "every thousandth";
                a.events.add(Long.toString(event.seq));
                sink.emit(a);
            }
        };
        final List<Alert> seen = Collections.synchronizedList(new ArrayList<>());
        final int n = 20_000;
        try (Engine engine = new Engine(c, counters)) {
            engine.addAlertListener(seen::add);
            engine.start();
            for (int i = 0; i < n; i++) {
                final long seq = engine.ring().next();
                final TelemetryEvent e = engine.ring().get(seq);
                e.reset();
                listener.onReceived();
                e.listenerId = listener.id();
                final byte[] raw = ("event " + i).getBytes(StandardCharsets.UTF_8);
                e.setRaw(raw, 0, raw.length);
                e.addField(Fields.EVENT_CODE, i);
                if (i % 100 == 7) {
                    e.rejectReason = RejectReason.BAD_PRI.ordinal();
                }
                engine.ring().publish(seq);
            }
            assertTrue(engine.drain(30, TimeUnit.SECONDS));
        }
        assertEquals(n, listener.received());
        assertEquals(n / 100, listener.rejected(RejectReason.BAD_PRI));
        assertEquals(n - n / 100, listener.persisted());
        assertTrue(listener.balanced());
        assertEquals(n / 1000, seen.size());
        assertEquals(n / 1000, counters.alerts());

        int read = 0;
        final TelemetryEvent e = new TelemetryEvent();
        try (RawJournalReader r = new RawJournalReader(dir.resolve("raw"))) {
            int expect = 0;
            while (r.next(e)) {
                if (expect % 100 == 7) {
                    expect++;
                }
                assertArrayEquals(("event " + expect).getBytes(StandardCharsets.UTF_8),
                    java.util.Arrays.copyOf(e.raw(), e.rawLength()));
                assertEquals("test", r.listenerName());
                expect++;
                read++;
            }
        }
        assertEquals(n - n / 100, read);
        try (RawJournalReader r = new RawJournalReader(dir.resolve("quarantine"), true)) {
            int q = 0;
            while (r.next(e)) {
                assertTrue(r.rejected());
                assertEquals(RejectReason.BAD_PRI.ordinal(), e.rejectReason);
                q++;
            }
            assertEquals(n / 100, q);
        }
        try (AlertTailer t = new AlertTailer(dir.resolve("alerts"))) {
            int a = 0;
            byte[] json;
            while ((json = t.next()) != null) {
                assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"every thousandth\""));
                a++;
            }
            assertEquals(n / 1000, a);
        }
    }
}
