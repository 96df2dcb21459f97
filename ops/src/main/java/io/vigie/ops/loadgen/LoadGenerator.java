package io.vigie.ops.loadgen;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sends syslog lines to a target at a paced rate: synthesized RFC 5424 lines carrying a sequence number, or the
 * lines of a file replayed in a loop. Paced by a {@link TokenBucket} (bursts of at most 10 ms of traffic), or
 * unpaced at {@code max}. Prints lines sent per second, then a summary; with a data directory, sends canary lines
 * and measures their end-to-end latency with an {@link AlertLatencyProbe}.
 */
public final class LoadGenerator {
    /** Default canary: an sshd error that SigmaHQ's "Suspicious OpenSSH Daemon Error" rule matches. */
    public static final String DEFAULT_CANARY = "<38>1 {ts} vigie-loadgen sshd 4242 - - fatal: Corrupted MAC on "
        + "input from 198.51.100.77 port 4242 (" + AlertLatencyProbe.MARKER + "{n})";

    /** Load generator settings. */
    public static final class Options {
        public InetSocketAddress target;
        /** Lines per second; 0 or less means as fast as possible. */
        public double rate;
        public double durationSeconds = 10;
        /** udp, tcp, tls or relp. */
        public String proto = "tcp";
        /** TLS (and RELP over TLS): CA certificates (PEM) the server must chain to; null = the JDK's trust store. */
        public Path ca;
        /** TLS client certificate chain (PEM), or null for none. */
        public Path cert;
        /** TLS client private key (PEM, PKCS#8), with {@link #cert}. */
        public Path key;
        /** RELP: most transactions sent and not yet acknowledged. */
        public int relpWindow = 128;
        /** Lines to replay in a loop, or null to synthesize. */
        public Path file;
        /** The server's data directory: when set, canaries are sent and their alert latency measured. */
        public Path alertDataDir;
        /** Canary template: {@code {n}} is replaced by the canary number, {@code {ts}} by an RFC 3339 time. */
        public String canary = DEFAULT_CANARY;
        public long canaryIntervalMs = 100;
        /** How long to wait for the last canaries' alerts after sending stops. */
        public double alertTimeoutSeconds = 10;
        /** Print a progress line every second. */
        public boolean progress = true;
    }

    /** What a run did. */
    public static final class Result {
        public long sent;
        public double seconds;
        public long canaries;
        public long matched;
        /** Canary latency in nanoseconds, or null without canaries. */
        public Histogram latency;
    }

    private final Options o;
    private final PrintWriter out;

    public LoadGenerator(final Options options, final PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /** Runs for the configured duration; returns the counts. */
    public Result run() throws IOException, InterruptedException {
        final List<byte[]> fileLines = o.file == null ? null : readLines(o.file);
        final Result r = new Result();
        final AlertLatencyProbe probe = o.alertDataDir == null ? null : new AlertLatencyProbe(o.alertDataDir);
        try (LineSink sink = LineSink.open(o)) {
            // The clock starts once connected (TLS handshake, RELP open done).
            final long start = System.nanoTime();
            final long end = start + (long) (o.durationSeconds * 1e9);
            send(sink, r, probe, fileLines, start, end);
            r.seconds = (System.nanoTime() - start) / 1e9;
        } catch (IOException | RuntimeException e) {
            if (probe != null) {
                probe.close();
            }
            throw e;
        }
        if (probe != null) {
            final long deadline = System.nanoTime() + (long) (o.alertTimeoutSeconds * 1e9);
            while (probe.matched() < r.canaries && System.nanoTime() - deadline < 0 && probe.failure() == null) {
                Thread.sleep(10);
            }
            probe.close();
            r.matched = probe.matched();
            r.latency = probe.histogram();
            if (probe.failure() != null) {
                out.println("loadgen: latency probe failed: " + probe.failure());
            }
        }
        out.println(summary(r));
        out.flush();
        return r;
    }

    private void send(final LineSink sink, final Result r, final AlertLatencyProbe probe,
                      final List<byte[]> fileLines, final long start, final long end) throws IOException {
        final byte[] buf = new byte[64 * 1024];
        final TokenBucket bucket = o.rate > 0 ? new TokenBucket(o.rate, Math.max(1, o.rate / 100), System::nanoTime)
            : null;
        long nextTick = start + 1_000_000_000L;
        long lastTickSent = 0;
        long tick = 0;
        long nextCanary = start;
        long seq = 0;
        int fileIndex = 0;
        byte[] header = header();
        while (true) {
            long now = System.nanoTime();
            if (now - end >= 0) {
                break;
            }
            if (now - nextTick >= 0) {
                sink.flush();
                tick++;
                if (o.progress) {
                    out.println("loadgen: t=" + tick + "s sent/s=" + (r.sent - lastTickSent) + " total=" + r.sent);
                    out.flush();
                }
                lastTickSent = r.sent;
                nextTick += 1_000_000_000L;
                header = header();
            }
            if (bucket != null) {
                final long wait = bucket.tryAcquire();
                if (wait > 0) {
                    sink.flush();
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, end - now));
                    continue;
                }
            }
            if (probe != null && now - nextCanary >= 0) {
                final byte[] c = canary(r.canaries).getBytes(StandardCharsets.UTF_8);
                // Recorded before the write, so that the alert can never be seen before its send time.
                probe.sent(r.canaries, System.nanoTime());
                sink.send(c, c.length);
                sink.flush();
                r.canaries++;
                nextCanary += o.canaryIntervalMs * 1_000_000L;
            } else if (fileLines != null) {
                final byte[] line = fileLines.get(fileIndex);
                fileIndex = fileIndex + 1 == fileLines.size() ? 0 : fileIndex + 1;
                sink.send(line, line.length);
            } else {
                System.arraycopy(header, 0, buf, 0, header.length);
                final int n = writeLong(buf, header.length, seq++);
                sink.send(buf, n);
            }
            r.sent++;
        }
    }

    private String summary(final Result r) {
        final StringBuilder b = new StringBuilder();
        b.append("loadgen: sent=").append(r.sent)
            .append(" seconds=").append(String.format(Locale.ROOT, "%.3f", r.seconds))
            .append(" rate=").append(String.format(Locale.ROOT, "%.0f", r.seconds > 0 ? r.sent / r.seconds : 0))
            .append(" lines/s target=").append(o.target.getHostString()).append(':').append(o.target.getPort())
            .append(" proto=").append(o.proto)
            .append(" requested=").append(o.rate > 0 ? String.format(Locale.ROOT, "%.0f/s", o.rate) : "max");
        if (r.latency != null) {
            final Histogram h = r.latency;
            b.append('\n').append("loadgen: alert latency canaries=").append(r.canaries).append(" matched=")
                .append(r.matched);
            if (h.getTotalCount() > 0) {
                b.append(" p50=").append(ms(h.getValueAtPercentile(50)))
                    .append(" p99=").append(ms(h.getValueAtPercentile(99)))
                    .append(" p99.9=").append(ms(h.getValueAtPercentile(99.9)))
                    .append(" max=").append(ms(h.getMaxValue()));
            }
        }
        return b.toString();
    }

    private static String ms(final long nanos) {
        return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
    }

    private String canary(final long n) {
        return o.canary.replace("{n}", Long.toString(n)).replace("{ts}", now());
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** RFC 5424 header up to the sequence number; the time is refreshed every second. */
    private static byte[] header() {
        return ("<134>1 " + now() + " vigie-loadgen loadgen " + ProcessHandle.current().pid()
            + " load - synthetic load line seq=").getBytes(StandardCharsets.US_ASCII);
    }

    private static int writeLong(final byte[] b, final int offset, final long value) {
        final String s = Long.toString(value);
        for (int i = 0; i < s.length(); i++) {
            b[offset + i] = (byte) s.charAt(i);
        }
        return offset + s.length();
    }

    /** Non-empty lines of a file as raw bytes (LF or CRLF; bytes kept as they are, any encoding). */
    static List<byte[]> readLines(final Path file) throws IOException {
        final byte[] all = Files.readAllBytes(file);
        final List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                int end = i;
                if (end > start && all[end - 1] == '\r') {
                    end--;
                }
                if (end > start) {
                    lines.add(java.util.Arrays.copyOfRange(all, start, end));
                }
                start = i + 1;
            }
        }
        if (lines.isEmpty()) {
            throw new IOException("no lines in " + file);
        }
        return lines;
    }
}
