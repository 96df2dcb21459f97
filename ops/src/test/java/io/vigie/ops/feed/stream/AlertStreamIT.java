package io.vigie.ops.feed.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.ops.share.OutboundFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlertStreamIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String alertId(final SseClient.Event e) throws IOException {
        return JSON.readTree(e.data).get("alert_id").asText();
    }

    @Test
    void resumesAfterDisconnectWithNoGapAndNoDuplicate() throws Exception {
        final long seed = System.nanoTime();
        final int cut = 1 + new Random(seed).nextInt(498);
        try (StreamHarness h = new StreamHarness(dir, new AlertStream.Settings(), OutboundFilter.NONE, null)) {
            final List<String> got = new ArrayList<>();
            final List<Long> ids = new ArrayList<>();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread emitter = new Thread(() -> {
                try {
                    for (int i = 1; i <= 500; i++) {
                        h.engine.emit(StreamHarness.alert(i, Tlp.GREEN));
                        if (i % 50 == 0) {
                            Thread.sleep(5);
                        }
                    }
                } catch (InterruptedException | RuntimeException e) {
                    failure.set(e);
                }
            }, "alert-emitter");
            try (SseClient c = new SseClient(h.port, AlertStream.PATH + "?from=start", "amber", null, 0)) {
                c.socket.setSoTimeout(30_000);
                assertEquals(200, c.status);
                assertTrue(c.headers.get("content-type").startsWith("text/event-stream"));
                emitter.start();
                while (got.size() < cut) {
                    final SseClient.Event e = c.next();
                    assertNotNull(e, "stream ended early");
                    assertEquals("alert", e.event);
                    got.add(alertId(e));
                    ids.add(Long.parseLong(e.id));
                }
            }
            final String last = Long.toString(ids.get(ids.size() - 1));
            try (SseClient c = new SseClient(h.port, AlertStream.PATH, "amber", last, 0)) {
                c.socket.setSoTimeout(30_000);
                assertEquals(200, c.status);
                while (got.size() < 500) {
                    final SseClient.Event e = c.next();
                    assertNotNull(e, "stream ended early");
                    got.add(alertId(e));
                    ids.add(Long.parseLong(e.id));
                }
            }
            emitter.join();
            assertEquals(null, failure.get());
            for (int i = 0; i < 500; i++) {
                assertEquals("a-" + (i + 1), got.get(i), "seed=" + seed + ", cut=" + cut);
                if (i > 0) {
                    assertTrue(ids.get(i) > ids.get(i - 1), "ids increase, seed=" + seed);
                }
            }
        }
    }

    @Test
    void slowSubscriberIsDisconnectedWithNoticeWhileFastOneGetsEverything() throws Exception {
        final AlertStream.Settings s = new AlertStream.Settings();
        s.maxPendingEvents = 32;
        s.maxPendingBytes = 64 * 1024;
        s.stallTimeoutMs = 3000;
        s.noticeGraceMs = 60_000;
        final int n = 3000;
        final String pad = "x".repeat(4096);
        try (StreamHarness h = new StreamHarness(dir, s, OutboundFilter.NONE, null);
             SseClient slow = new SseClient(h.port, AlertStream.PATH + "?from=start", "green", null, 4096);
             SseClient fast = new SseClient(h.port, AlertStream.PATH + "?from=start", "green", null, 0)) {
            assertEquals(200, slow.status);
            assertEquals(200, fast.status);
            fast.socket.setSoTimeout(30_000);
            final Thread emitter = new Thread(() -> {
                for (int i = 1; i <= n; i++) {
                    final Alert a = StreamHarness.alert(i, Tlp.GREEN);
                    a.extra.put("padding", pad);
                    h.engine.emit(a);
                }
            }, "alert-emitter");
            emitter.start();
            int received = 0;
            while (received < n) {
                final SseClient.Event e = fast.next();
                assertNotNull(e, "fast stream ended early");
                assertEquals("alert", e.event, "fast subscriber: " + e.data);
                assertEquals("a-" + (received + 1), alertId(e));
                received++;
            }
            emitter.join();
            h.drain();
            while (h.stream.slowDisconnects() < 1) {
                Thread.sleep(10);
            }
            // Now read what the slow subscriber was sent: a prefix of the alerts, then the notice, then the end.
            slow.socket.setSoTimeout(30_000);
            int k = 0;
            String lastId = null;
            SseClient.Event notice = null;
            SseClient.Event e;
            while ((e = slow.next()) != null) {
                if ("notice".equals(e.event)) {
                    notice = e;
                    continue;
                }
                assertEquals(null, notice, "nothing after the notice");
                assertEquals("alert", e.event, e.event + " " + e.id + " " + e.data);
                assertEquals("a-" + (k + 1), alertId(e));
                lastId = e.id;
                k++;
            }
            assertNotNull(notice, "slow subscriber got a notice");
            assertTrue(k < n, "slow subscriber was cut off, k=" + k);
            final JsonNode nj = JSON.readTree(notice.data);
            assertEquals("too slow, resume from id " + lastId, nj.get("message").asText());
            assertEquals(lastId, notice.id);
            // The fast one is still connected, and the engine journaled every alert.
            assertEquals(1, h.stream.subscriberCount());
        }
    }

    @Test
    void deliversOnlyWhatTheSubscribersLabelAllowsThroughTheFilter() throws Exception {
        final Tlp[] labels = Tlp.values();
        final OutboundFilter pseudonymise = a -> {
            final Alert c = AlertLines.parse(io.vigie.engine.alert.AlertJson.toBytes(a), a.position);
            c.group.put("source.ip", "pseudo");
            return c;
        };
        try (StreamHarness h = new StreamHarness(dir, new AlertStream.Settings(), pseudonymise, null)) {
            for (int i = 1; i <= 50; i++) {
                h.engine.emit(StreamHarness.alert(i, labels[i % labels.length]));
            }
            h.drain();
            for (final Tlp max : new Tlp[] {Tlp.GREEN, Tlp.AMBER_STRICT}) {
                try (SseClient c = new SseClient(h.port, AlertStream.PATH + "?from=0", max.label(), null, 0)) {
                    c.socket.setSoTimeout(30_000);
                    assertEquals(200, c.status);
                    final List<Integer> expected = new ArrayList<>();
                    for (int i = 1; i <= 50; i++) {
                        final Tlp t = labels[i % labels.length];
                        if (t != Tlp.RED && t.ordinal() <= max.ordinal()) {
                            expected.add(i);
                        }
                    }
                    long previous = -1;
                    for (final int i : expected) {
                        final SseClient.Event e = c.next();
                        assertNotNull(e);
                        final JsonNode j = JSON.readTree(e.data);
                        assertEquals("a-" + i, j.get("alert_id").asText());
                        assertEquals("pseudo", j.get("group").get("source.ip").asText());
                        final Tlp t = Tlp.parse(j.get("tlp").asText());
                        assertTrue(t != Tlp.RED && t.ordinal() <= max.ordinal());
                        assertTrue(Long.parseLong(e.id) > previous);
                        previous = Long.parseLong(e.id);
                    }
                }
            }
        }
    }

    @Test
    void rejectsUnauthenticatedAndBadPositions() throws Exception {
        try (StreamHarness h = new StreamHarness(dir, new AlertStream.Settings(), OutboundFilter.NONE, null)) {
            h.engine.emit(StreamHarness.alert(1, Tlp.GREEN));
            h.drain();
            try (SseClient c = new SseClient(h.port, AlertStream.PATH, null, null, 0)) {
                assertEquals(401, c.status);
            }
            try (SseClient c = new SseClient(h.port, AlertStream.PATH, "nonsense", null, 0)) {
                assertEquals(401, c.status);
            }
            try (SseClient c = new SseClient(h.port, AlertStream.PATH, "green", "abc", 0)) {
                assertEquals(400, c.status);
                assertTrue(c.body().contains("Last-Event-ID"));
            }
            try (SseClient c = new SseClient(h.port, AlertStream.PATH + "?from=123456789", "green", null, 0)) {
                assertEquals(400, c.status);
                assertTrue(c.body().contains("no alert at position"));
            }
        }
    }
}
