package io.vigie.bench.jmh.codec;

import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;

import java.nio.charset.StandardCharsets;

/** Realistic frames for the decoder benchmarks (shapes of the corpus: auth.log, RFC 5424 from rsyslog, access log). */
public final class SampleLines {
    /** RFC 5424 frames, with and without structured data. */
    public static final byte[][] RFC5424 = bytes(
        "<34>1 2026-12-03T07:41:02.123456Z host-01 sshd 4242 - - Failed password for invalid user admin from "
            + "203.0.113.7 port 52144 ssh2",
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
            + "eventSource=\"Application\" eventID=\"1011\"] An application event log entry",
        "<86>1 2026-12-03T08:00:01+01:00 web-7 sudo 9912 - - alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
            + "COMMAND=/usr/bin/systemctl restart nginx",
        "<38>1 2026-12-03T07:41:05.000Z host-02 sshd 4250 - - Accepted publickey for deploy from 198.51.100.23 "
            + "port 50522 ssh2: RSA SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "<30>1 2026-12-03T07:41:06Z host-03 systemd 1 - - Started Session 42 of user root.",
        "<13>1 2026-12-03T07:41:07.5Z host-04 app 77 login [meta@1 user=\"bob\" ip=\"192.0.2.9\"] user login ok");

    /** RFC 3164 frames as /var/log/auth.log (no PRI) and from network devices (with PRI). */
    public static final byte[][] RFC3164 = bytes(
        "Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: Server listening on 0.0.0.0 port 22.",
        "Mar 30 16:01:30 ip-10-77-20-248 sshd[4421]: Failed password for invalid user admin from 24.151.103.17 "
            + "port 52144 ssh2",
        "Mar 30 16:01:36 ip-10-77-20-248 sshd[4425]: Accepted password for elastic_user_0 from 24.151.103.17 "
            + "port 52196 ssh2",
        "<86>Apr  2 09:15:01 ip-10-77-20-248 CRON[7781]: pam_unix(cron:session): session opened for user root "
            + "by (uid=0)",
        "Apr  2 09:17:01 ip-10-77-20-248 CRON[7790]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
        "<4>Apr  3 10:00:00 fw-1 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:00 SRC=203.0.113.50 DST=10.0.0.5 LEN=60 "
            + "TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=44321 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0");

    /** Apache combined access-log lines, raw (no syslog header). */
    public static final byte[][] ACCESS = bytes(
        "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /presentations/logstash-monitorama-2013/images/"
            + "kibana-search.png HTTP/1.1\" 200 203023 \"http://semicomplete.com/presentations/logstash-monitorama"
            + "-2013/\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/32.0.1700.77 Safari/537.36\"",
        "66.249.73.135 - - [17/May/2015:10:05:40 +0000] \"GET /blog/tags/ipv6?page=2 HTTP/1.1\" 200 12251 \"-\" "
            + "\"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)\"",
        "10.0.0.9 - alice [17/May/2015:10:06:01 +0000] \"POST /login HTTP/1.1\" 302 0 \"-\" \"curl/8.0\"");

    private SampleLines() {
    }

    private static byte[][] bytes(final String... lines) {
        final byte[][] out = new byte[lines.length][];
        for (int i = 0; i < lines.length; i++) {
            out[i] = lines[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** The decoder a listener with {@code format: auto} and default settings runs. */
    public static AutoDetectDecoder autoDecoder() {
        return new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(), new MessageDecoders());
    }

    /** A new event holding {@code line} as received (fixed receive time), decoded, with journal seq {@code seq}. */
    public static TelemetryEvent decoded(final AutoDetectDecoder decoder, final byte[] line, final long seq) {
        final TelemetryEvent e = new TelemetryEvent();
        e.reset();
        e.receivedNanos = 1_764_748_862_000_000_000L;
        e.setRaw(line, 0, line.length);
        decoder.decode(e);
        e.seq = seq;
        return e;
    }
}
