package io.vigie.ops.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpMethod;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /health} (JSON: status, uptime, ring remaining capacity, listeners with their counts and addresses) and
 * {@code GET /metrics} (Prometheus text 0.0.4, see {@link PrometheusText}).
 */
public final class StatusEndpoints {
    private final EngineCounters counters;
    private final LongSupplier ringRemaining;
    private final Supplier<Map<String, String>> addresses;
    private final long startedMillis = System.currentTimeMillis();
    private final PrometheusText prometheus;

    /**
     * @param counters      the engine's counters
     * @param ringRemaining free slots of the event ring
     * @param addresses     listener name to its bound address ({@code udp+tcp 127.0.0.1:5514}), for /health
     */
    public StatusEndpoints(final EngineCounters counters, final LongSupplier ringRemaining,
                           final Supplier<Map<String, String>> addresses) {
        this(counters, ringRemaining, addresses, List.of());
    }

    /**
     * @param counters      the engine's counters
     * @param ringRemaining free slots of the event ring
     * @param addresses     listener name to its bound address, for /health
     * @param families      metric families /metrics renders after the engine's (detection counters)
     */
    public StatusEndpoints(final EngineCounters counters, final LongSupplier ringRemaining,
                           final Supplier<Map<String, String>> addresses,
                           final List<PrometheusText.Families> families) {
        this.counters = counters;
        this.ringRemaining = ringRemaining;
        this.addresses = addresses;
        this.prometheus = new PrometheusText(counters, ringRemaining, families);
    }

    /** Adds {@code /health} and {@code /metrics} to a router. */
    public Router register(final Router router) {
        router.exact(HttpMethod.GET, "/health", (ctx, req, path) ->
            Responses.send(ctx, req, 200, Responses.JSON, health()));
        router.exact(HttpMethod.GET, "/metrics", (ctx, req, path) ->
            Responses.text(ctx, req, 200, PrometheusText.CONTENT_TYPE, prometheus.render()));
        return router;
    }

    /** The /health document. */
    public byte[] health() throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        final Map<String, String> bound = addresses.get();
        try (JsonGenerator g = Responses.json().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("status", "ok");
            g.writeNumberField("uptime_seconds", (System.currentTimeMillis() - startedMillis) / 1000);
            g.writeNumberField("ring_remaining_capacity", ringRemaining.getAsLong());
            g.writeArrayFieldStart("listeners");
            for (final ListenerCounters l : counters.listeners()) {
                g.writeStartObject();
                g.writeStringField("name", l.name());
                final String address = bound.get(l.name());
                if (address != null) {
                    g.writeStringField("address", address);
                }
                g.writeNumberField("received", l.received());
                g.writeNumberField("persisted", l.persisted());
                g.writeNumberField("rejected", l.rejected());
                g.writeNumberField("dropped", l.dropped());
                g.writeNumberField("connections", l.connections());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("alerts", counters.alerts());
            g.writeNumberField("errors", counters.errors());
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }
}
