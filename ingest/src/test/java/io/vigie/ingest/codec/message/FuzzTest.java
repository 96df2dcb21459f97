package io.vigie.ingest.codec.message;

import io.vigie.engine.ring.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every prefix of real and sample lines, and random mutations, decode without throwing and keep raw intact. */
@Timeout(120)
class FuzzTest {
    private static final String[] PROGRAMS = {null, "sshd", "sudo", "su", "CRON", "useradd", "kernel", "auditd",
        "postfix/smtpd", "vsftpd", "named", "unbound", "systemd-logind", "nginx", "myapp", "jsonapp", "utf8app"};

    private static List<byte[]> seeds() throws Exception {
        final List<byte[]> out = new ArrayList<>();
        final List<byte[]> auth = Fixture.lines("syslog/elastic-examples/auth.log");
        for (int i = 0; i < auth.size(); i += 37) {
            final byte[] l = auth.get(i);
            out.add(Arrays.copyOfRange(l, Math.min(l.length, 16 + 16), l.length));
        }
        out.addAll(Fixture.lines("syslog/elastic-examples/apache_access_combined.log").subList(0, 50));
        out.addAll(Fixture.lines("syslog/otrf-security-datasets/sh_binary_padding_dd_2020-11-10081941.log"));
        for (final String[] s : AllocationTest.SAMPLES) {
            out.add(Fixture.bytes(s[1]));
        }
        out.add(Fixture.bytes("message repeated 3 times: [ Failed password for root from 1.2.3.4 port 22 ssh2]"));
        out.add(Fixture.bytes("pam_unix(sshd:auth): authentication failure; logname= uid=0 rhost=1.2.3.4 user=x"));
        out.add(Fixture.bytes("{\"a\":{\"b\":[1,{\"c\":\"\\u00e9\\ud83d\\ude00\"}]},\"d\":\"x\\\"y\"}"));
        out.add(Fixture.bytes("login success user=alice src=203.0.113.7:4242 ticket=ABC-123"));
        out.add(Fixture.bytes("KV a:1;b:'two; words';src:192.0.2.1"));
        return out;
    }

    private static MessageDecoders decoders() throws URISyntaxException {
        return new MessageDecoders(Extractors.load(
            Paths.get(FuzzTest.class.getResource("/message/extractors.yml").toURI())));
    }

    @Test
    void shouldDecodeEveryPrefixWithoutThrowing() throws Exception {
        final MessageDecoders d = decoders();
        final TelemetryEvent e = new TelemetryEvent();
        int runs = 0;
        for (final byte[] seed : seeds()) {
            for (int len = 0; len <= seed.length; len++) {
                final byte[] m = Arrays.copyOf(seed, len);
                for (final String p : PROGRAMS) {
                    Fixture.msg(d, e, p, m);
                    assertArrayEquals(m, Arrays.copyOf(e.raw(), e.rawLength()));
                    runs++;
                }
            }
        }
        assertTrue(runs > 10_000);
    }

    @Test
    void shouldSurviveRandomMutations() throws Exception {
        final MessageDecoders d = decoders();
        final TelemetryEvent e = new TelemetryEvent();
        final Random r = new Random(20261203L);
        final List<byte[]> seeds = seeds();
        final byte[] specials = Fixture.bytes(" =\"'[](){}:;,/\\#%@-.\t\u0000");
        for (int i = 0; i < 100_000; i++) {
            final byte[] seed = seeds.get(r.nextInt(seeds.size()));
            final byte[] m = Arrays.copyOf(seed, seed.length);
            final int edits = 1 + r.nextInt(4);
            for (int k = 0; k < edits && m.length > 0; k++) {
                final int at = r.nextInt(m.length);
                m[at] = r.nextBoolean() ? (byte) r.nextInt(256) : specials[r.nextInt(specials.length)];
            }
            Fixture.msg(d, e, PROGRAMS[r.nextInt(PROGRAMS.length)], m);
        }
        // deep JSON nesting is bounded
        final StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            deep.append("{\"a\":[");
        }
        Fixture.msg(d, e, "jsonapp", deep.toString());
    }
}
