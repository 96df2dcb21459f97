package io.vigie.bench.jmh.rules;

import io.vigie.bench.jmh.codec.SampleLines;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.Tlp;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.rules.ioc.Indicator;
import io.vigie.rules.ioc.IndicatorSet;
import io.vigie.rules.ioc.IndicatorType;
import io.vigie.rules.ioc.IocMatcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Threat-intel matching, one rule worker: {@link IocMatcher} on decoded CEF events (a firewall or proxy log line
 * with random public source and destination addresses, and for {@code proxy} a random URL and host), against
 * indicator sets shaped like the feeds a SOC loads. {@code ops/s} = events/s/core. About 1 event in 200 carries an
 * indicator (an address, or for {@code proxy} also a domain); the rest miss, as most traffic does.
 *
 * <ul>
 *   <li>{@code none}: no indicators (the cost of asking).</li>
 *   <li>{@code ips}: 100 k IPv4 addresses (a blocklist of hosts: abuse.ch, Feodo, ...).</li>
 *   <li>{@code cidrs}: the same, plus 10 k IPv4 networks of every prefix length from /12 to /31 (65% /24, a few
 *       short ones, as FireHOL or Spamhaus DROP lists are) and 2 k IPv6 addresses and networks.</li>
 *   <li>{@code full}: the same, plus 100 k domains, 20 k URLs and 30 k each of MD5, SHA-1 and SHA-256 hashes.</li>
 * </ul>
 * Sets and events are seeded: the same in every run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class IocMatchBenchmark {
    private static final int EVENTS = 8192;
    private static final int HIT_EVERY = 200;

    @Param({"none", "ips", "cidrs", "full"})
    public String set;

    @Param({"firewall", "proxy"})
    public String kind;

    private TelemetryEvent[] events;
    private IocMatcher matcher;
    private int next;
    private long alerts;
    private final AlertSink sink = this::onAlert;

    private void onAlert(final Alert alert) {
        alerts++;
    }

    @Setup
    public void setUp() {
        final SplittableRandom rnd = new SplittableRandom(42);
        final IndicatorSet.Builder b = IndicatorSet.builder();
        final String[] hitIps = new String[64];
        final String[] hitDomains = new String[64];
        if (!"none".equals(set)) {
            for (int i = 0; i < 100_000; i++) {
                add(b, IndicatorType.IPV4, publicV4(rnd), i);
            }
            for (int i = 0; i < hitIps.length; i++) {
                hitIps[i] = publicV4(rnd);
                add(b, IndicatorType.IPV4, hitIps[i], i);
            }
        }
        if ("cidrs".equals(set) || "full".equals(set)) {
            for (int i = 0; i < 10_000; i++) {
                final int r = rnd.nextInt(1000);
                final int prefix = r < 650 ? 24 : r < 730 ? 16 + rnd.nextInt(8) : r < 997 ? 25 + rnd.nextInt(7)
                    : 12 + rnd.nextInt(4);
                add(b, IndicatorType.IPV4, publicV4(rnd) + "/" + prefix, i);
            }
            for (int i = 0; i < 2_000; i++) {
                final String v6 = String.format(Locale.ROOT, "2001:%x:%x:%x::%x", rnd.nextInt(0x10000),
                    rnd.nextInt(0x10000), rnd.nextInt(0x10000), rnd.nextInt(0x10000));
                add(b, IndicatorType.IPV6, i % 2 == 0 ? v6 : v6 + "/" + (32 + rnd.nextInt(97)), i);
            }
        }
        if ("full".equals(set)) {
            for (int i = 0; i < 100_000; i++) {
                add(b, IndicatorType.DOMAIN, domain(rnd), i);
            }
            for (int i = 0; i < hitDomains.length; i++) {
                hitDomains[i] = domain(rnd);
                add(b, IndicatorType.DOMAIN, hitDomains[i], i);
            }
            for (int i = 0; i < 20_000; i++) {
                add(b, IndicatorType.URL, "http://" + domain(rnd) + "/" + word(rnd, 12), i);
            }
            for (int i = 0; i < 30_000; i++) {
                add(b, IndicatorType.MD5, hex(rnd, 32), i);
                add(b, IndicatorType.SHA1, hex(rnd, 40), i);
                add(b, IndicatorType.SHA256, hex(rnd, 64), i);
            }
        }
        matcher = new IocMatcher(new AtomicReference<>(b.build()), 0, 1);

        final AutoDetectDecoder decoder = SampleLines.autoDecoder();
        final boolean proxy = "proxy".equals(kind);
        events = new TelemetryEvent[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            final boolean hit = i % HIT_EVERY == HIT_EVERY - 1 && !"none".equals(set);
            final String src = publicV4(rnd);
            final String dst = hit ? hitIps[rnd.nextInt(hitIps.length)] : publicV4(rnd);
            final String host = hit && hitDomains[0] != null ? "www." + hitDomains[rnd.nextInt(hitDomains.length)]
                : domain(rnd);
            final String line = proxy
                ? "<134>Dec  3 10:15:0" + (i % 10) + " proxy01 CEF:0|Blue Coat|ProxySG|7.3|200|TCP_MISS|3|rt=Dec 03 "
                    + "2026 10:15:00 UTC src=" + src + " spt=" + (1024 + rnd.nextInt(60000)) + " dst=" + dst
                    + " dpt=443 proto=TCP requestMethod=GET request=https://" + host + "/" + word(rnd, 10)
                    + "?q=" + word(rnd, 6) + " dhost=" + host + " suser=user" + rnd.nextInt(5000)
                    + " requestClientApplication=Mozilla/5.0 cs1Label=category cs1=Technology act=allowed"
                : "<134>Dec  3 10:15:0" + (i % 10) + " fw01 CEF:0|Palo Alto Networks|PAN-OS|10.1|end|TRAFFIC|3|"
                    + "rt=Dec 03 2026 10:15:00 UTC src=" + src + " spt=" + (1024 + rnd.nextInt(60000)) + " dst=" + dst
                    + " dpt=" + (rnd.nextBoolean() ? 443 : 53) + " proto=" + (rnd.nextBoolean() ? "TCP" : "UDP")
                    + " act=allow deviceInboundInterface=ethernet1/1 deviceOutboundInterface=ethernet1/2"
                    + " cs1Label=Rule cs1=allow-out cs2Label=App cs2=ssl in=" + rnd.nextInt(100_000) + " out="
                    + rnd.nextInt(100_000) + " cnt=1";
            final TelemetryEvent e = SampleLines.decoded(decoder, line.getBytes(StandardCharsets.UTF_8), i);
            if (e.format != EventFormat.CEF) {
                throw new IllegalStateException("not decoded as CEF: " + line);
            }
            events[i] = e;
        }
    }

    private static void add(final IndicatorSet.Builder b, final IndicatorType type, final String value, final int i) {
        final String refused = b.add(new Indicator(type, value, "indicator--" + type + "-" + i, "bench-feed",
            Tlp.GREEN));
        if (refused != null) {
            throw new IllegalStateException(refused);
        }
    }

    /** A random unicast address outside 0/8, 10/8, 127/8 and the multicast and reserved ranges. */
    private static String publicV4(final SplittableRandom rnd) {
        int a;
        do {
            a = 1 + rnd.nextInt(223);
        } while (a == 10 || a == 127);
        return a + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
    }

    private static String domain(final SplittableRandom rnd) {
        return word(rnd, 4 + rnd.nextInt(10)) + (rnd.nextBoolean() ? ".com" : rnd.nextBoolean() ? ".net" : ".io");
    }

    private static String word(final SplittableRandom rnd, final int n) {
        final StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + rnd.nextInt(26)));
        }
        return s.toString();
    }

    private static String hex(final SplittableRandom rnd, final int n) {
        final StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return s.toString();
    }

    @Benchmark
    public long match() {
        final TelemetryEvent e = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        matcher.onEvent(e, sink);
        return alerts;
    }
}
