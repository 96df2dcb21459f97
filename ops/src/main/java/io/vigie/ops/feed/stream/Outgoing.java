package io.vigie.ops.feed.stream;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.AlertJson;
import io.vigie.engine.alert.Tlp;
import io.vigie.ops.share.OutboundFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One journaled alert made ready to leave the SOC: parsed, its original TLP label kept for the per-subscriber check,
 * and its JSON line after the {@link OutboundFilter}. An alert that cannot be read or filtered is never delivered
 * ({@link #json} null): nothing leaves unfiltered. Immutable; shared between subscribers.
 */
final class Outgoing {
    private static final Logger LOG = LoggerFactory.getLogger(Outgoing.class);
    private static final AtomicLong FAILURES = new AtomicLong();

    final long position;
    /** The alert as journaled (before the filter), or null when unreadable. */
    final Alert alert;
    /** The label deliveries are checked against (RED when unreadable). */
    final Tlp tlp;
    /** The filtered JSON line, or null when the alert must not be delivered. */
    final byte[] json;
    /** Lazily built SSE frame ({@code id/event/data}), see {@link #sseFrame()}. */
    private volatile byte[] frame;

    private Outgoing(final long position, final Alert alert, final Tlp tlp, final byte[] json) {
        this.position = position;
        this.alert = alert;
        this.tlp = tlp;
        this.json = json;
    }

    /** Parses and filters one journal record. */
    static Outgoing of(final long position, final byte[] raw, final OutboundFilter filter) {
        final Alert a = AlertLines.parse(raw, position);
        if (a == null) {
            warn("unreadable alert record, position={}", position, null);
            return new Outgoing(position, null, Tlp.RED, null);
        }
        try {
            final Alert out = filter.apply(a);
            return new Outgoing(position, a, a.tlp, out == null ? null : AlertJson.toBytes(out));
        } catch (RuntimeException e) {
            warn("outbound filter failed, alert withheld, position={}, error={}", position, e.toString());
            return new Outgoing(position, a, a.tlp, null);
        }
    }

    /** The SSE event of this alert: {@code id: <position>}, {@code event: alert}, {@code data: <json>}. */
    byte[] sseFrame() {
        byte[] f = frame;
        if (f == null) {
            final byte[] head = ("id: " + position + "\nevent: alert\ndata: ").getBytes(StandardCharsets.US_ASCII);
            f = new byte[head.length + json.length + 2];
            System.arraycopy(head, 0, f, 0, head.length);
            System.arraycopy(json, 0, f, head.length, json.length);
            f[f.length - 2] = '\n';
            f[f.length - 1] = '\n';
            frame = f;
        }
        return f;
    }

    private static void warn(final String format, final long position, final String error) {
        final long n = FAILURES.incrementAndGet();
        // Rate-limited: the first ten, then every thousandth.
        if (n <= 10 || n % 1000 == 0) {
            if (error == null) {
                LOG.warn(format, position);
            } else {
                LOG.warn(format, position, error);
            }
        }
    }
}
