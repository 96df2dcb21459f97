package io.vigie.rules.correlation;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's fast window structures (the circular ring of exact event_count, the value index and incremental count
 * of value_count, CLOCK eviction) against a plain model of the window semantics: an array of entries scanned in
 * full, with prune-then-drop-the-oldest at the per-key capacity. Seeded random streams with out-of-order events.
 */
@Timeout(60)
class CorrelationWindowModelTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long OUT_OF_ORDER = TimeUnit.SECONDS.toNanos(5);

    /** One key's window in the model: parallel lists, removal swaps the last entry in (as the engine's arrays). */
    private static final class Window {
        final List<Long> times = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        long maxTime = Long.MIN_VALUE;
        boolean active;

        void removeOldest() {
            int best = 0;
            for (int j = 1; j < times.size(); j++) {
                if (times.get(j) < times.get(best)) {
                    best = j;
                }
            }
            remove(best);
        }

        void remove(final int j) {
            final int last = times.size() - 1;
            times.set(j, times.get(last));
            values.set(j, values.get(last));
            times.remove(last);
            values.remove(last);
        }

        /** Adds (time, value) at capacity {@code cap}; returns 1 when the oldest had to go. */
        int add(final long t, final String value, final int cap, final long pruneBefore) {
            int dropped = 0;
            if (times.size() == cap) {
                for (int j = times.size() - 1; j >= 0; j--) {
                    if (times.get(j) < pruneBefore) {
                        remove(j);
                    }
                }
                if (times.size() == cap) {
                    removeOldest();
                    dropped = 1;
                }
            }
            times.add(t);
            values.add(value);
            return dropped;
        }

        int count(final long from) {
            int k = 0;
            for (final long t : times) {
                if (t >= from) {
                    k++;
                }
            }
            return k;
        }
    }

    private static TelemetryEvent event(final long t, final long seq, final String ip, final String user) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.timestampNanos = t;
        e.seq = seq;
        final byte[] a = ip.getBytes(StandardCharsets.US_ASCII);
        e.addField(Fields.SOURCE_IP, a, 0, a.length);
        if (user != null) {
            final byte[] b = user.getBytes(StandardCharsets.US_ASCII);
            e.addField(Fields.USER_NAME, b, 0, b.length);
        }
        return e;
    }

    private static List<String> openings(final List<Alert> alerts) {
        final List<String> out = new ArrayList<>();
        for (final Alert a : alerts) {
            if (!Boolean.TRUE.equals(a.extra.get("update"))) {
                out.add(a.group.get("source.ip") + "@" + a.lastSeenNanos + "=" + a.extra.get("value"));
            }
        }
        return out;
    }

    @Test
    void shouldCountEventsInTheRingAsTheFullScanDoes() {
        ringAgainstModel(5);
    }

    /** Threshold 14: a 16-entry ring, the largest kept inline (its seq map is a full 64-bit word). */
    @Test
    void shouldCountEventsInTheLargestRingAsTheFullScanDoes() {
        ringAgainstModel(14);
    }

    private static void ringAgainstModel(final int threshold) {
        final Harness h = new Harness("title: c\nid: ec-m\ncorrelation: {type: event_count, rules: [failed], "
            + "group-by: [source.ip], timespan: 10s, condition: {gte: " + threshold + "}}\n---\nname: failed\n");
        final int cap = h.set.rules().get(0).slotCapacity;
        assertEquals(threshold + 2, cap, "counting types keep threshold + 2 entries");
        final CorrelationEngine engine = h.engine();
        final Map<String, Window> model = new HashMap<>();
        final List<String> expected = new ArrayList<>();
        final List<List<String>> expectedEvidence = new ArrayList<>();
        final SplittableRandom r = new SplittableRandom(7);
        long saturated = 0;
        for (int i = 0; i < 50_000; i++) {
            final String ip = "10.0.0." + r.nextInt(3);
            // in order on average, up to 3 s out of order (within the 5 s allowance: never late)
            final long t = Harness.BASE + i * (S / 3) + r.nextLong(3 * S);
            final Window w = model.computeIfAbsent(ip, k -> new Window());
            w.maxTime = Math.max(w.maxTime, t);
            final long from = w.maxTime - 10 * S;
            saturated += w.add(t, Integer.toString(i), cap, from - OUT_OF_ORDER);
            final int count = w.count(from);
            if (count >= threshold && !w.active) {
                w.active = true;
                expected.add(ip + "@" + t + "=" + (double) count);
                expectedEvidence.add(evidence(w, from, i));
            } else if (count < threshold) {
                w.active = false;
            }
            h.match("failed", event(t, i, ip, null));
        }
        assertEquals(0, engine.lateEvents());
        assertTrue(expected.size() > 10, "crossings: " + expected.size());
        assertTrue(saturated > 1000, "full windows: " + saturated);
        assertEquals(expected, openings(h.alerts));
        assertEquals(saturated, engine.saturated(0));
        final List<List<String>> evidence = new ArrayList<>();
        for (final Alert a : h.alerts) {
            if (!Boolean.TRUE.equals(a.extra.get("update"))) {
                evidence.add(a.events);
            }
        }
        assertEquals(expectedEvidence, evidence, "each opening names exactly the events of its window");
    }

    /** The seqs of the model window's events at or after {@code from}, by time then arrival, then the trigger. */
    private static List<String> evidence(final Window w, final long from, final long trigger) {
        final List<long[]> in = new ArrayList<>();
        for (int j = 0; j < w.times.size(); j++) {
            if (w.times.get(j) >= from) {
                in.add(new long[] {w.times.get(j), Long.parseLong(w.values.get(j))});
            }
        }
        in.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        final List<String> out = new ArrayList<>();
        for (final long[] e : in) {
            out.add(Long.toString(e[1]));
        }
        if (!out.contains(Long.toString(trigger))) {
            out.add(Long.toString(trigger));
        }
        return out;
    }

    @Test
    void shouldCountDistinctValuesThroughTheIndexAsTheFullScanDoes() {
        final Harness h = new Harness("title: v\nid: vc-m\ncorrelation: {type: value_count, rules: [login], "
            + "group-by: [source.ip], timespan: 10s, condition: {field: user.name, gte: 6}}\n---\nname: login\n");
        final int cap = h.set.rules().get(0).slotCapacity;
        final CorrelationEngine engine = h.engine();
        final Map<String, Window> model = new HashMap<>();
        final List<String> expected = new ArrayList<>();
        final SplittableRandom r = new SplittableRandom(11);
        long saturated = 0;
        for (int i = 0; i < 50_000; i++) {
            final String ip = "10.0.0." + r.nextInt(3);
            final String user = "u" + r.nextInt(i % 20_000 < 10_000 ? 12 : 40);
            final long t = Harness.BASE + i * (S / 2) + r.nextLong(3 * S);
            final Window w = model.computeIfAbsent(ip, k -> new Window());
            w.maxTime = Math.max(w.maxTime, t);
            final long from = w.maxTime - 10 * S;
            final int j = w.values.indexOf(user);
            if (j >= 0) {
                if (t >= w.times.get(j)) {
                    w.times.set(j, t);
                }
            } else {
                saturated += w.add(t, user, cap, from - OUT_OF_ORDER);
            }
            final int count = w.count(from);
            if (count >= 6 && !w.active) {
                w.active = true;
                expected.add(ip + "@" + t + "=" + (double) count);
            } else if (count < 6) {
                w.active = false;
            }
            h.match("login", event(t, i, ip, user));
        }
        assertEquals(0, engine.lateEvents());
        assertTrue(expected.size() > 10, "crossings: " + expected.size());
        assertEquals(expected, openings(h.alerts));
        assertEquals(saturated, engine.saturated(0));
    }

    @Test
    void shouldKeepAKeyThatKeepsSeeingEventsUnderAFloodOfNewKeys() {
        final CorrelationConfig config = new CorrelationConfig();
        config.maxKeys = 100;
        final Harness h = new Harness("title: c\nid: ec-f\ncorrelation: {type: event_count, rules: [failed], "
            + "group-by: [source.ip], timespan: 60s, condition: {gte: 5}}\n---\nname: failed\n", config, 1);
        final CorrelationEngine engine = h.engine();
        long seq = 0;
        for (int i = 0; i < 10_000; i++) {
            final long t = Harness.BASE + i * 1_000L;
            // its 5th event (i = 200) comes after the flood has started evicting (i = 100)
            if (i % 50 == 0) {
                h.match("failed", event(t, seq++, "192.0.2.1", null));
            }
            h.match("failed", event(t, seq++, "flood-" + i, null));
        }
        assertEquals(10_000 + 1 - 100, engine.keyEvictions(0));
        assertEquals(100, engine.liveKeys(0));
        assertEquals(1, h.alerts.size(), "the busy key kept its window through 9,901 evictions");
        assertEquals("192.0.2.1", h.alerts.get(0).group.get("source.ip"));
        assertEquals(true, h.alerts.get(0).extra.get("evicted"), "keys were evicted in its window");
    }
}
