package io.vigie.ops.loadgen;

import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends syslog lines to a target at a paced rate: synthesized RFC 5424 lines carrying a sequence number, or the
 * lines of a file replayed in a loop. Paced by a {@link TokenBucket} (bursts of at most 10 ms of traffic), or
 * unpaced at {@code max}. Prints lines sent per second, then a summary; with a data directory, sends canary lines
 * and measures their end-to-end latency with an {@link AlertLatencyProbe}. With several connections, each has its
 * own {@link Sender} and thread and an equal share of the rate; the figures are summed.
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
        /** Connections (each with its own thread), splitting the rate. */
        public int connections = 1;
        /** UDP: batch datagrams into one {@code sendmmsg} per batch where epoll is available (else NIO). */
        public boolean batchedUdp = true;
        /** Batched UDP: send runs of equal-length datagrams as UDP GSO packets where the kernel supports it. */
        public boolean udpSegments = true;
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

    /** Datagrams per step of a batching UDP sender: one {@code sendmmsg} each. */
    static final int UDP_BATCH_LINES = 256;
    /** Lines per step of a stream sender: the clock and the rate limit are read once per step. */
    static final int STREAM_BATCH_LINES = 256;

    private final Options o;
    private final PrintWriter out;

    public LoadGenerator(final Options options, final PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /** Runs for the configured duration; returns the counts. */
    public Result run() throws IOException, InterruptedException {
        final List<byte[]> fileLines = o.file == null ? null : readLines(o.file);
        final int connections = Math.max(1, o.connections);
        final Result r = new Result();
        final AlertLatencyProbe probe = o.alertDataDir == null ? null : new AlertLatencyProbe(o.alertDataDir);
        final EventLoopGroup udpGroup = "udp".equals(o.proto) && o.batchedUdp ? LineSink.newUdpGroup(connections)
            : null;
        final List<LineSink> sinks = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                sinks.add(LineSink.open(o, udpGroup));
            }
            // The clock starts once connected (TLS handshakes, RELP opens done).
            final long start = System.nanoTime();
            final long end = start + (long) (o.durationSeconds * 1e9);
            final Sender[] senders = new Sender[connections];
            final List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                senders[i] = new Sender(o, sinks.get(i), o.rate > 0 ? o.rate / connections : 0, i, connections,
                    fileLines, i == 0 ? probe : null, start, end);
                running.add(drive(senders[i], i));
            }
            awaitWithProgress(running, senders, start);
            r.seconds = (System.nanoTime() - start) / 1e9;
            for (final Sender s : senders) {
                r.sent += s.sent();
            }
            r.canaries = senders[0].canaries();
        } catch (IOException | RuntimeException e) {
            if (probe != null) {
                probe.close();
            }
            throw e;
        } finally {
            closeAll(sinks);
            if (udpGroup != null) {
                udpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
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

    /** Starts a sender: on its sink's event loop (batching UDP), else on a thread of its own. */
    private static CompletableFuture<Void> drive(final Sender s, final int index) {
        if (s.sink() instanceof LineSink.EpollUdp) {
            return ((LineSink.EpollUdp) s.sink()).drive(s, UDP_BATCH_LINES);
        }
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final Thread t = new Thread(() -> {
            try {
                runBlocking(s);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "vigie-loadgen-" + index);
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** A sender on the calling thread: steps, flushing and parking while the rate limit says wait. */
    private static void runBlocking(final Sender s) throws IOException {
        while (true) {
            final long wait = s.step(STREAM_BATCH_LINES);
            if (wait == Sender.DONE) {
                break;
            }
            if (wait > 0) {
                s.sink().flush();
                LockSupport.parkNanos(wait);
            }
        }
        s.sink().flush();
    }

    /** Waits for every sender, printing the lines sent in each second (all connections summed). */
    private void awaitWithProgress(final List<CompletableFuture<Void>> running, final Sender[] senders,
                                   final long start) throws IOException, InterruptedException {
        final CompletableFuture<Void> all = CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0]));
        long nextTick = start + 1_000_000_000L;
        long tick = 0;
        long lastTickSent = 0;
        while (true) {
            try {
                all.get(Math.max(1, nextTick - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                tick++;
                nextTick += 1_000_000_000L;
                long total = 0;
                for (final Sender s : senders) {
                    total += s.sent();
                }
                if (o.progress) {
                    out.println("loadgen: t=" + tick + "s sent/s=" + (total - lastTickSent) + " total=" + total);
                    out.flush();
                }
                lastTickSent = total;
            } catch (ExecutionException e) {
                final Throwable cause = e.getCause();
                if (cause instanceof IOException) {
                    throw (IOException) cause;
                }
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                throw new IOException(cause.toString(), cause);
            }
        }
    }

    private static void closeAll(final List<LineSink> sinks) throws IOException {
        IOException first = null;
        for (final LineSink s : sinks) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
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
        if (o.connections > 1) {
            b.append(" connections=").append(o.connections);
        }
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
