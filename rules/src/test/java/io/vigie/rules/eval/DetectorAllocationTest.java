package io.vigie.rules.eval;

import io.vigie.engine.alert.Alert;
import io.vigie.engine.detect.AlertSink;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.rules.RuleConfig;
import io.vigie.rules.TestSupport;
import io.vigie.rules.compile.RuleSet;
import io.vigie.rules.load.RuleSetLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event-path allocation: after warm-up, the detector with the bundled linux/network/web pack (308 rules) over 100k
 * real events (auth.log, Apache access log, OTRF auditd, synthetic proxy/firewall/dns) allocates less than one byte
 * per event on its thread (no-alert case: events that fire a rule are left out of the pool).
 */
class DetectorAllocationTest {
    private static final class CountingSink implements AlertSink {
        int count;

        @Override
        public void emit(final Alert alert) {
            count++;
        }
    }

    @Test
    @Timeout(300)
    void shouldNotAllocateOnTheEventPath() throws Exception {
        final RuleSet rules = RuleSetLoader.loadBundled(new RuleConfig()).ruleSet();
        assertTrue(rules.size() >= 300);
        final Detector d = new SigmaDetectorFactory(rules, "soc").create(0, 1);
        final List<TelemetryEvent> candidates = events();
        final List<TelemetryEvent> pool = new ArrayList<>();
        final CountingSink sink = new CountingSink();
        for (final TelemetryEvent e : candidates) {
            final int before = sink.count;
            d.onEvent(e, sink);
            if (sink.count == before) {
                pool.add(e);
            }
        }
        assertTrue(pool.size() > 2000, "pool " + pool.size());
        final TelemetryEvent[] arr = pool.toArray(new TelemetryEvent[0]);
        sink.count = 0;
        run(d, arr, sink, 300_000);
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final int events = 100_000;
        final long before = mx.getThreadAllocatedBytes(tid);
        run(d, arr, sink, events);
        final long allocated = mx.getThreadAllocatedBytes(tid) - before;
        System.out.println("detector allocation: " + allocated + " bytes over " + events + " events, pool="
            + arr.length + ", rules=" + rules.size());
        assertEquals(0, sink.count);
        assertTrue(allocated < events, "allocated " + allocated + " bytes");
    }

    private static void run(final Detector d, final TelemetryEvent[] pool, final AlertSink sink, final int n) {
        for (int i = 0; i < n; i++) {
            d.onEvent(pool[i % pool.length], sink);
            if ((i & 63) == 63) {
                d.onBatchEnd(i, sink);
            }
        }
    }

    private static TelemetryEvent newEvent(final int product, final int category, final int service) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.seq = 0;
        e.logProduct = product;
        e.logCategory = category;
        e.logService = service;
        return e;
    }

    static List<TelemetryEvent> events() throws Exception {
        final List<TelemetryEvent> out = new ArrayList<>();
        final List<String> auth = Files.readAllLines(
            TestSupport.corpus().resolve("syslog/elastic-examples/auth.log"), StandardCharsets.UTF_8);
        for (int i = 0; i < auth.size(); i += 2) {
            final String line = auth.get(i);
            final int colon = line.indexOf(": ", 16);
            final String[] head = line.substring(0, colon).split(" +");
            String prog = head[head.length - 1];
            if (prog.indexOf('[') >= 0) {
                prog = prog.substring(0, prog.indexOf('['));
            }
            final TelemetryEvent e = newEvent(Logsources.LINUX, 0, Logsources.id(prog.toLowerCase(Locale.ROOT)));
            TestSupport.put(e, "host.name", head[3]);
            TestSupport.put(e, "process.name", prog);
            TestSupport.put(e, "message", line.substring(colon + 2));
            out.add(e);
        }
        final List<String> web = Files.readAllLines(
            TestSupport.corpus().resolve("syslog/elastic-examples/apache_access_combined.log"),
            StandardCharsets.ISO_8859_1);
        for (int i = 0; i < web.size(); i += 3) {
            final String line = web.get(i);
            final String[] q = line.split("\"");
            if (q.length < 6) {
                continue;
            }
            final String[] req = q[1].split(" ");
            final String[] status = q[2].trim().split(" ");
            final TelemetryEvent e = newEvent(0, Logsources.WEBSERVER, 0);
            TestSupport.put(e, "source.ip", line.substring(0, line.indexOf(' ')));
            if (req.length >= 2) {
                TestSupport.put(e, "http.request.method", req[0]);
                TestSupport.put(e, "url.original", req[1]);
                final int qm = req[1].indexOf('?');
                TestSupport.put(e, "url.path", qm < 0 ? req[1] : req[1].substring(0, qm));
                if (qm >= 0) {
                    TestSupport.put(e, "url.query", req[1].substring(qm + 1));
                }
            }
            TestSupport.put(e, "http.response.status_code", status[0]);
            TestSupport.put(e, "http.request.referrer", q[3]);
            TestSupport.put(e, "user_agent.original", q[5]);
            out.add(e);
        }
        for (final String f : List.of("sh_arp_cache_2020-11-10074812.log",
            "sh_binary_padding_dd_2020-11-10081941.log")) {
            for (final String line : Files.readAllLines(
                TestSupport.corpus().resolve("syslog/otrf-security-datasets").resolve(f))) {
                final TelemetryEvent e = newEvent(Logsources.LINUX, 0, Logsources.AUDITD);
                for (final String kv : line.split(" ")) {
                    final int eq = kv.indexOf('=');
                    if (eq > 0) {
                        TestSupport.put(e, "auditd." + kv.substring(0, eq), kv.substring(eq + 1).replace("\"", ""));
                    }
                }
                out.add(e);
            }
        }
        final int proxy = Logsources.PROXY;
        final int fw = Logsources.FIREWALL;
        final int dns = Logsources.id("dns");
        for (int i = 0; i < 200; i++) {
            final TelemetryEvent p = newEvent(0, proxy, 0);
            TestSupport.put(p, "url.original", "http://example" + i + ".org/index.html?q=" + i);
            TestSupport.put(p, "url.domain", "example" + i + ".org");
            TestSupport.put(p, "user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)");
            TestSupport.put(p, "http.request.method", "GET");
            out.add(p);
            final TelemetryEvent w = newEvent(0, fw, 0);
            TestSupport.put(w, "source.ip", "10.0.0." + (i % 250));
            TestSupport.put(w, "destination.ip", "192.0.2." + (i % 250));
            TestSupport.put(w, "destination.port", Integer.toString(1000 + i));
            TestSupport.put(w, "event.action", "allow");
            out.add(w);
            final TelemetryEvent n = newEvent(0, dns, 0);
            TestSupport.put(n, "dns.question.name", "host" + i + ".example.com");
            TestSupport.put(n, "dns.question.type", "A");
            out.add(n);
        }
        return out;
    }
}
