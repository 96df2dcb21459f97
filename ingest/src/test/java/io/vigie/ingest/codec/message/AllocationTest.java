package io.vigie.ingest.codec.message;

import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steady-state allocation of every built-in decoder (and, measured only, of the extractor path). */
@Timeout(60)
class AllocationTest {
    static final String[][] SAMPLES = {
        {"kernel", "[UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=10.0.0.5 PROTO=TCP SPT=52144 DPT=22"},
        {null, "%ASA-6-302013: Built inbound TCP connection 1 for outside:1.2.3.4/5 (1.2.3.4/5) to inside:10.0.0.1/22 "
            + "(10.0.0.1/22)"},
        {null, "%ASA-4-106023: Deny tcp src outside:1.2.3.4/5 dst inside:10.0.0.1/22 by access-group \"acl\""},
        {null, "date=2019-05-10 time=11:37:47 logid=\"0000000013\" type=\"traffic\" srcip=10.1.100.11 srcport=1 "
            + "dstip=23.59.154.35 dstport=443 proto=6 action=\"deny\" devname=\"FGT60D\" eventtime=1557513467"},
        {null, "1,2012/04/10 04:39:56,001606001116,TRAFFIC,end,1,2012/04/10 04:39:55,192.168.0.2,204.232.231.46,"
            + "0.0.0.0,0.0.0.0,rule1,,,web-browsing,vsys1,trust,untrust,ethernet1/2,ethernet1/1,forwardAll,"
            + "2012/04/10 04:39:56,4640,1,54208,80,0,0,0x400000,tcp,allow,1246,515,731"},
        {"postfix/smtpd", "5E0A21C06: client=mail.example.com[203.0.113.9], sasl_method=LOGIN, sasl_username=bob"},
        {"vsftpd", "[pid 1234] [bob] FAIL LOGIN: Client \"::ffff:203.0.113.7\""},
        {"named", "client @0x7f1c2c0a1b20 192.0.2.10#53211 (example.com): query: example.com IN A +E(0)K (10.0.0.1)"},
        {"sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls"},
        {"useradd", "new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash"},
        {"su", "Successful su for root by ubuntu"},
        {"CRON", "(root) CMD (run-parts /etc/cron.hourly)"},
    };

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static List<byte[]> corpusLines() throws Exception {
        final List<byte[]> out = new ArrayList<>();
        out.addAll(Fixture.lines("syslog/elastic-examples/apache_access_combined.log").subList(0, 2000));
        out.addAll(Fixture.lines("syslog/otrf-security-datasets/sh_arp_cache_2020-11-10074812.log"));
        out.addAll(Fixture.lines("syslog/otrf-security-datasets/sh_binary_padding_dd_2020-11-10081941.log"));
        return out;
    }

    @Test
    void shouldNotAllocateForAnyBuiltInDecoder() throws Exception {
        final MessageDecoders d = new MessageDecoders();
        final TelemetryEvent e = new TelemetryEvent();
        final byte[][] raw = corpusLines().toArray(new byte[0][]);
        final byte[][] programs = new byte[SAMPLES.length][];
        final byte[][] messages = new byte[SAMPLES.length][];
        for (int i = 0; i < SAMPLES.length; i++) {
            programs[i] = SAMPLES[i][0] == null ? null : Fixture.bytes(SAMPLES[i][0]);
            messages[i] = Fixture.bytes(SAMPLES[i][1]);
        }
        final int lines = raw.length + SAMPLES.length;
        long before = 0;
        int ok = 0;
        for (int round = 0; round < 30; round++) {
            if (round == 20) {
                before = allocated();
            }
            for (final byte[] line : raw) {
                e.reset();
                e.setRaw(line, 0, line.length);
                if (d.decode(e, 0, line.length)) {
                    ok++;
                }
            }
            for (int i = 0; i < SAMPLES.length; i++) {
                e.reset();
                e.setRaw(messages[i], 0, messages[i].length);
                if (programs[i] != null) {
                    e.addField(io.vigie.engine.event.Fields.PROCESS_NAME, programs[i], 0, programs[i].length);
                }
                if (d.decode(e, 0, messages[i].length)) {
                    ok++;
                }
            }
        }
        final long bytes = allocated() - before;
        assertTrue(ok == 30 * lines, "decoded " + ok + " of " + 30 * lines);
        assertTrue(bytes < 10L * lines, "allocated " + bytes + " bytes for " + 10 * lines + " lines");
    }

    @Test
    void shouldMeasureExtractorPath(@org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        final Path f = dir.resolve("x.yml");
        Files.writeString(f, "extractors:\n  - program: app\n    grok: \"user=%{USERNAME:user.name} "
            + "src=%{IP:source.ip} port=%{INT:source.port:int}\"\n  - program: kv\n    kv: {prefix: \"kv.\"}\n");
        final MessageDecoders d = new MessageDecoders(Extractors.load(f));
        final TelemetryEvent e = new TelemetryEvent();
        final byte[] grok = Fixture.bytes("login user=alice src=203.0.113.7 port=4242 ok");
        final byte[] kv = Fixture.bytes("a=1 b=\"x y\" c=3");
        final byte[] app = Fixture.bytes("app");
        final byte[] kvp = Fixture.bytes("kv");
        long grokBytes = 0;
        long kvBytes = 0;
        for (int round = 0; round < 3; round++) {
            final long t0 = allocated();
            for (int i = 0; i < 10_000; i++) {
                e.reset();
                e.setRaw(grok, 0, grok.length);
                e.addField(io.vigie.engine.event.Fields.PROCESS_NAME, app, 0, app.length);
                assertTrue(d.decode(e, 0, grok.length));
            }
            final long t1 = allocated();
            for (int i = 0; i < 10_000; i++) {
                e.reset();
                e.setRaw(kv, 0, kv.length);
                e.addField(io.vigie.engine.event.Fields.PROCESS_NAME, kvp, 0, kvp.length);
                assertTrue(d.decode(e, 0, kv.length));
            }
            grokBytes = (t1 - t0) / 10_000;
            kvBytes = (allocated() - t1) / 10_000;
        }
        // kv/json splitting allocates nothing; RE2/J allocates a little per find() (reported, not a contract)
        assertTrue(kvBytes < 1, "kv allocated " + kvBytes + " B/line");
        System.out.println("extractor path: grok " + grokBytes + " B/line (RE2/J), kv " + kvBytes + " B/line");
    }
}
