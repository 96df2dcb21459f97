package io.vigie.ops.feed.stream;

import io.vigie.engine.Engine;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.detect.AlertEnricher;
import io.vigie.engine.status.EngineCounters;
import io.vigie.ops.http.HttpServer;
import io.vigie.ops.http.Router;
import io.vigie.ops.share.OutboundFilter;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real engine (alert journal in a temp dir), the stream and query endpoints, and HTTP on 127.0.0.1:0. */
final class StreamHarness implements AutoCloseable {
    final Engine engine;
    final AlertStream stream;
    final AlertQuery query;
    final HttpServer http;
    final int port;

    StreamHarness(final Path dir, final AlertStream.Settings settings, final OutboundFilter filter,
                  final AlertEnricher enricher) throws InterruptedException {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 1024;
        c.alertEnricher = enricher;
        engine = new Engine(c, new EngineCounters());
        engine.start();
        final Router router = new Router();
        final Path alerts = c.dataDir.resolve("alerts");
        stream = new AlertStream(alerts, new TokenSubscribers(), filter, settings);
        stream.register(router);
        query = new AlertQuery(alerts, new TokenSubscribers(), filter);
        query.register(router);
        engine.addAlertListener(a -> stream.wake());
        stream.start();
        http = new HttpServer("127.0.0.1", 0, router, null);
        port = http.start();
    }

    /** An alert numbered i (alert_id {@code a-<i>}). */
    static Alert alert(final int i, final Tlp tlp) {
        final Alert a = new Alert();
        a.alertId = "a-" + i;
        a.soc = "soc-test";
        a.timeNanos = 1_767_225_600_000_000_000L + i * 1_000_000_000L;
        a.firstSeenNanos = a.timeNanos - 5_000_000_000L;
        a.lastSeenNanos = a.timeNanos;
        a.ruleId = "rule-" + (i % 3);
        a.ruleTitle = "Test rule " + (i % 3);
        a.ruleLevel = i % 3 == 0 ? "high" : "low";
        a.ruleType = i % 2 == 0 ? "detection" : "event_count";
        a.tlp = tlp;
        a.group.put("source.ip", "203.0.113." + (i % 250));
        return a;
    }

    void drain() throws InterruptedException {
        engine.drain(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        stream.close();
        query.close();
        http.close();
        engine.close();
    }
}
