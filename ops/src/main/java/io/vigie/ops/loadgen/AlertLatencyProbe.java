package io.vigie.ops.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigie.engine.journal.AlertTailer;
import io.vigie.engine.journal.RawJournalReader;
import io.vigie.engine.ring.TelemetryEvent;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures end-to-end latency of canary lines: send time (recorded by the sender) to the moment the alert they
 * caused is visible in the alert journal under the server's data directory.
 *
 * <p>Method: a poller thread tails {@code <data>/alerts} (starting at its end), reads each new alert's
 * {@code events} (raw-journal positions), reads those records from {@code <data>/raw} and looks for the canary
 * marker {@code vigie-canary-<n>} in the raw bytes; the first alert naming canary {@code n} records
 * {@code now - sent[n]}. The poller sleeps 1 ms when the journal has nothing new, so results include up to about
 * 1 ms of polling delay; both clocks are this process's {@link System#nanoTime()}.
 */
public final class AlertLatencyProbe implements AutoCloseable {
    /** Marker embedded in every canary line, followed by the canary number. */
    public static final String MARKER = "vigie-canary-";
    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
    private static final JsonFactory JSON = new JsonFactory();

    private final Path dataDir;
    private final ConcurrentHashMap<Long, Long> sentNanos = new ConcurrentHashMap<>();
    private final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong alertsSeen = new AtomicLong();
    private final Thread poller;
    private volatile boolean running = true;
    private volatile String failure;

    /**
     * Starts the poller, which opens the alert journal and skips what is already there (Chronicle tailers are
     * confined to one thread), and waits until it is ready.
     *
     * @throws IllegalStateException when the journal cannot be opened
     */
    public AlertLatencyProbe(final Path dataDir) throws InterruptedException {
        this.dataDir = dataDir;
        final CountDownLatch ready = new CountDownLatch(1);
        poller = new Thread(() -> poll(ready), "vigie-loadgen-probe");
        poller.setDaemon(true);
        poller.start();
        if (!ready.await(30, TimeUnit.SECONDS) || failure != null) {
            close();
            throw new IllegalStateException("cannot tail " + dataDir.resolve("alerts") + ": "
                + (failure == null ? "timed out" : failure));
        }
    }

    /** Records that canary {@code n} was sent now. */
    public void sent(final long n, final long nanoTime) {
        sentNanos.put(n, nanoTime);
    }

    /** Canaries whose alert has been seen. */
    public long matched() {
        return matched.get();
    }

    /** Alerts seen since start (canary or not). */
    public long alertsSeen() {
        return alertsSeen.get();
    }

    /** Why polling stopped early, or null. */
    public String failure() {
        return failure;
    }

    /** A copy of the latency histogram, in nanoseconds. */
    public synchronized Histogram histogram() {
        return histogram.copy();
    }

    private void poll(final CountDownLatch ready) {
        final TelemetryEvent e = new TelemetryEvent();
        RawJournalReader raw = null;
        AlertTailer tailer = null;
        try {
            tailer = new AlertTailer(dataDir.resolve("alerts"));
            while (tailer.next() != null) {
                // skip alerts that predate this run
            }
            ready.countDown();
            while (running) {
                final byte[] json = tailer.next();
                if (json == null) {
                    Thread.sleep(1);
                    continue;
                }
                final long now = System.nanoTime();
                alertsSeen.incrementAndGet();
                for (final String ev : events(json)) {
                    final long pos;
                    try {
                        pos = Long.parseLong(ev);
                    } catch (NumberFormatException x) {
                        continue;
                    }
                    if (raw == null) {
                        raw = new RawJournalReader(dataDir.resolve("raw"));
                    }
                    if (!raw.moveTo(pos) || !raw.next(e)) {
                        continue;
                    }
                    final long n = canary(e.raw(), e.rawLength());
                    final Long sent = n < 0 ? null : sentNanos.remove(n);
                    if (sent != null) {
                        record(now - sent);
                        matched.incrementAndGet();
                        break;
                    }
                }
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException x) {
            failure = x.toString();
        } finally {
            ready.countDown();
            if (raw != null) {
                raw.close();
            }
            if (tailer != null) {
                tailer.close();
            }
        }
    }

    private synchronized void record(final long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos, histogram.getHighestTrackableValue())));
    }

    static List<String> events(final byte[] json) throws IOException {
        final List<String> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String name = p.currentName();
                final JsonToken t = p.nextToken();
                if ("events".equals(name) && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        out.add(p.getText());
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return out;
    }

    /** The canary number in the bytes, or -1. */
    static long canary(final byte[] b, final int length) {
        outer:
        for (int i = 0; i + MARKER_BYTES.length < length; i++) {
            for (int j = 0; j < MARKER_BYTES.length; j++) {
                if (b[i + j] != MARKER_BYTES[j]) {
                    continue outer;
                }
            }
            long n = 0;
            int k = i + MARKER_BYTES.length;
            final int start = k;
            while (k < length && b[k] >= '0' && b[k] <= '9' && k - start < 18) {
                n = n * 10 + (b[k++] - '0');
            }
            return k > start ? n : -1;
        }
        return -1;
    }

    @Override
    public void close() {
        running = false;
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
