package io.vigie.bench.jmh.codec;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;
import io.vigie.ingest.codec.message.MessageDecoders;
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
import java.util.concurrent.TimeUnit;

/**
 * Message decoders alone (the header is already decoded: {@code process.name} set, message range given), one
 * thread, per decoder: {@code ops/s} = messages/s/core. Run with {@code -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class MessageDecoderBenchmark {
    @Param({"sshd", "sudo", "cron", "auditd", "access", "iptables", "asa", "fortigate", "paloalto", "undecoded"})
    public String decoder;

    private byte[] program;
    private byte[] message;
    private final MessageDecoders decoders = new MessageDecoders();
    private final TelemetryEvent event = new TelemetryEvent();

    @Setup
    public void setUp() {
        final String p;
        final String m;
        switch (decoder) {
            case "sshd":
                p = "sshd";
                m = "Failed password for invalid user admin from 203.0.113.7 port 52144 ssh2";
                break;
            case "sudo":
                p = "sudo";
                m = "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx";
                break;
            case "cron":
                p = "CRON";
                m = "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)";
                break;
            case "auditd":
                p = "";
                m = "type=EXECVE msg=audit(1604996384.965:93777): argc=4 a0=\"dd\" a1=\"if=/dev/zero\" a2=\"bs=1\" "
                    + "a3=\"count=1\"";
                break;
            case "access":
                p = "";
                m = "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /presentations/logstash-monitorama-2013/"
                    + "images/kibana-search.png HTTP/1.1\" 200 203023 \"http://semicomplete.com/presentations/\" "
                    + "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 Chrome/32.0.1700.77\"";
                break;
            case "iptables":
                p = "kernel";
                m = "[UFW BLOCK] IN=eth0 OUT= MAC=00:00 SRC=203.0.113.50 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 "
                    + "TTL=52 ID=54321 DF PROTO=TCP SPT=44321 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0";
                break;
            case "asa":
                p = "";
                m = "%ASA-4-106023: Deny tcp src outside:203.0.113.9/51515 dst inside:10.1.1.5/443 by access-group "
                    + "\"outside_access_in\" [0x0, 0x0]";
                break;
            case "fortigate":
                p = "";
                m = "date=2026-12-03 time=08:00:00 devname=\"fg-1\" devid=\"FG100E\" logid=\"0000000013\" "
                    + "type=\"traffic\" subtype=\"forward\" level=\"notice\" srcip=10.0.0.5 srcport=51515 "
                    + "dstip=203.0.113.9 dstport=443 proto=6 action=\"deny\" policyid=7";
                break;
            case "paloalto":
                p = "";
                m = "1,2026/12/03 08:00:00,012345678901,TRAFFIC,end,2049,2026/12/03 08:00:00,10.0.0.5,203.0.113.9,"
                    + "0.0.0.0,0.0.0.0,allow-web,corp\\alice,,web-browsing,vsys1,trust,untrust,ethernet1/2,"
                    + "ethernet1/1,fwd,2026/12/03 08:00:00,12345,1,51515,443,0,0,0x0,tcp,allow,1200,600,600,10";
                break;
            default:
                p = "myapp";
                m = "something happened that no decoder knows about, id=42";
                break;
        }
        program = p.getBytes(StandardCharsets.UTF_8);
        message = m.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public int decode() {
        final TelemetryEvent e = event;
        e.reset();
        e.receivedNanos = 1_764_748_862_000_000_000L;
        e.setRaw(message, 0, message.length);
        if (program.length > 0) {
            e.addField(Fields.PROCESS_NAME, program);
        }
        e.addRawField(Fields.MESSAGE, 0, message.length);
        decoders.decode(e, 0, message.length);
        return e.fieldCount();
    }
}
