package io.vigie.ops.federation;

import io.vigie.engine.alert.Alert;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FederatedAlertEnricherTest {
    @Test
    void shouldMarkTaggedAlertsFederatedAndNameTheSocsOfTheirWindow() {
        final FederationTracker t = new FederationTracker(10, 10);
        t.record("203.0.113.66", 100, "soc-1", "FR", "energy");
        t.record("203.0.113.66", 200, "soc-2", "DE", "health");
        t.record("203.0.113.66", 300, "soc-3", "FR", null);
        t.record("203.0.113.66", 900, "soc-4", "IT", "bank");
        t.record("198.51.100.9", 150, "soc-5", "ES", "bank");
        final AtomicInteger next = new AtomicInteger();
        final FederatedAlertEnricher e = new FederatedAlertEnricher(t, a -> next.incrementAndGet(), 100);
        final Alert a = new Alert();
        a.ruleType = "value_count";
        a.tags.add(FederatedAlertEnricher.TAG);
        a.group.put("signal.indicator", "203.0.113.66");
        a.firstSeenNanos = 200;
        a.lastSeenNanos = 200;
        e.enrich(a);
        assertEquals("federated", a.ruleType);
        assertEquals(List.of("soc-1", "soc-2", "soc-3"), a.extra.get("socs"));
        assertEquals(List.of("DE", "FR"), a.extra.get("countries"));
        assertEquals(List.of("energy", "health"), a.extra.get("sectors"));
        assertEquals(1, next.get());

        final Alert local = new Alert();
        local.group.put("signal.indicator", "203.0.113.66");
        e.enrich(local);
        assertEquals("detection", local.ruleType);
        assertFalse(local.extra.containsKey("socs"));
        assertEquals(2, next.get());
    }

    @Test
    void shouldForgetTheLeastRecentlyReportedIndicatorPastItsBound() {
        final FederationTracker t = new FederationTracker(2, 2);
        t.record("a", 1, "s1", null, null);
        t.record("b", 1, "s1", null, null);
        t.record("c", 1, "s1", null, null);
        t.record("c", 2, "s2", null, null);
        t.record("c", 3, "s3", null, null);
        assertEquals(0, t.scope("a", 0, 10).socs().size());
        assertEquals(java.util.Set.of("s2", "s3"), t.scope("c", 0, 10).socs());
    }
}
