package io.vigie.ops.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One connection's share of a load run, sent in steps of a batch of lines: synthesized lines (sequence numbers
 * {@code first, first + stride, ...}, so that connections never repeat one another), or file lines in a loop, plus
 * canaries when a probe is given. Reads the clock once per step, not per line. Owned by one thread (its driver);
 * {@link #sent()} may be read from any thread.
 */
final class Sender {
    /** What {@link #step} returns once the duration is over. */
    static final long DONE = -1;

    private final LoadGenerator.Options o;
    private final LineSink sink;
    private final int stride;
    private final List<byte[]> fileLines;
    private final AlertLatencyProbe probe;
    private final long end;
    private final TokenBucket bucket;
    /** Paced: fewest lines per step, about a millisecond's worth (fewer system calls and wake-ups). */
    private final int minStep;
    private final SyntheticLine line;
    private int fileIndex;
    private long nextHeader;
    private long nextCanary;
    private long sentLocal;
    private long canaries;
    private volatile long sent;

    /**
     * @param share     this connection's share of the requested rate (lines per second, 0 = unpaced)
     * @param first     first sequence number; {@code stride} is added for each next line
     * @param probe     the canary probe, or null (only one connection sends canaries)
     */
    Sender(final LoadGenerator.Options o, final LineSink sink, final double share, final long first,
           final int stride, final List<byte[]> fileLines, final AlertLatencyProbe probe, final long start,
           final long end) {
        this.o = o;
        this.sink = sink;
        this.stride = stride;
        this.fileLines = fileLines;
        this.probe = probe;
        this.end = end;
        this.bucket = share > 0 ? new TokenBucket(share, Math.max(1, share / 100), System::nanoTime) : null;
        this.minStep = (int) Math.max(1, Math.min(256, share / 1_000));
        this.line = fileLines == null ? new SyntheticLine(header(), first) : null;
        this.nextHeader = start + 1_000_000_000L;
        this.nextCanary = start;
    }

    LineSink sink() {
        return sink;
    }

    /**
     * Sends at most {@code batch} lines, then ends the sink's batch. Returns 0 to be called again at once, a
     * positive number of nanoseconds to wait first (the rate limit), or {@link #DONE}.
     */
    long step(final int batch) throws IOException {
        final long now = System.nanoTime();
        if (now - end >= 0) {
            return DONE;
        }
        int n = batch;
        int extra = 0;
        if (bucket != null) {
            n = bucket.take(Math.min(minStep, batch), batch);
            if (n == 0) {
                return Math.max(1, Math.min(bucket.waitNanos(Math.min(minStep, batch)), end - now));
            }
        }
        if (line != null && now - nextHeader >= 0) {
            line.header(header());
            nextHeader += 1_000_000_000L;
        }
        if (probe != null && now - nextCanary >= 0) {
            final byte[] c = canary(canaries).getBytes(StandardCharsets.UTF_8);
            // Recorded before the write, so that the alert can never be seen before its send time.
            probe.sent(canaries, System.nanoTime());
            sink.send(c, c.length);
            sink.flush();
            canaries++;
            nextCanary += o.canaryIntervalMs * 1_000_000L;
            n--;
            extra = 1;
        }
        if (line != null) {
            for (int i = 0; i < n; i++) {
                sink.send(line.bytes(), line.length());
                line.advance(stride);
            }
        } else {
            for (int i = 0; i < n; i++) {
                final byte[] l = fileLines.get(fileIndex);
                fileIndex = fileIndex + 1 == fileLines.size() ? 0 : fileIndex + 1;
                sink.send(l, l.length);
            }
        }
        sink.endOfBatch();
        sentLocal += n + extra;
        sent = sentLocal;
        return 0;
    }

    /** Lines sent so far, canaries included (any thread). */
    long sent() {
        return sent;
    }

    long canaries() {
        return canaries;
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
}
