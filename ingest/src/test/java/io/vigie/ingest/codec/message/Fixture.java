package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only stand-in for the header decoders: splits a BSD syslog line naively ({@code Mmm dd HH:MM:SS host
 * prog[pid]: msg}) into process.name, process.pid, host.name and message, then calls MessageDecoders. Allocation-free
 * per line (the lines are preloaded as byte arrays).
 */
final class Fixture {
    private Fixture() {
    }

    static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        return p != null ? Paths.get(p) : Paths.get("../../shared/corpus");
    }

    static List<byte[]> lines(final String relative) throws IOException {
        final byte[] all = Files.readAllBytes(corpus().resolve(relative));
        final List<byte[]> out = new ArrayList<>();
        int s = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                int e = i;
                if (e > s && all[e - 1] == '\r') {
                    e--;
                }
                if (e > s) {
                    final byte[] line = new byte[e - s];
                    System.arraycopy(all, s, line, 0, e - s);
                    out.add(line);
                }
                s = i + 1;
            }
        }
        return out;
    }

    static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Loads a BSD line into the event (header fields + message) and decodes its message. */
    static boolean bsd(final MessageDecoders d, final TelemetryEvent e, final byte[] line) {
        e.reset();
        e.setRaw(line, 0, line.length);
        final byte[] b = e.raw();
        final int n = line.length;
        // "Mmm dd HH:MM:SS " is 16 bytes (day padded with a space)
        int i = 16;
        if (n <= i) {
            e.addField(Fields.MESSAGE, b, 0, n);
            return d.decode(e, 0, n);
        }
        final int hs = i;
        while (i < n && b[i] != ' ') {
            i++;
        }
        e.addField(Fields.HOST_NAME, b, hs, i - hs);
        i++;
        final int ts = i;
        while (i < n && b[i] != ':' && b[i] != '[' && b[i] != ' ') {
            i++;
        }
        e.addField(Fields.PROCESS_NAME, b, ts, i - ts);
        e.addField(Fields.LOG_SYSLOG_APPNAME, b, ts, i - ts);
        if (i < n && b[i] == '[') {
            final int ps = i + 1;
            while (i < n && b[i] != ']') {
                i++;
            }
            e.addField(Fields.PROCESS_PID, b, ps, i - ps);
            i++;
        }
        if (i < n && b[i] == ':') {
            i++;
        }
        if (i < n && b[i] == ' ') {
            i++;
        }
        e.addField(Fields.MESSAGE, b, i, n - i);
        return d.decode(e, i, n);
    }

    /** Loads a message with an explicit program (null: none) and decodes it. */
    static boolean msg(final MessageDecoders d, final TelemetryEvent e, final String program, final String message) {
        return msg(d, e, program, bytes(message));
    }

    static boolean msg(final MessageDecoders d, final TelemetryEvent e, final String program, final byte[] message) {
        e.reset();
        e.setRaw(message, 0, message.length);
        if (program != null) {
            final byte[] p = bytes(program);
            e.addField(Fields.PROCESS_NAME, p, 0, p.length);
        }
        e.addField(Fields.MESSAGE, message, 0, message.length);
        return d.decode(e, 0, message.length);
    }
}
