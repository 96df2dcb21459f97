package io.vigie.ingest.transport;

import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.ListenerCounters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Counts datagrams the kernel dropped before the listener could read them (socket receive-queue overflow), read from
 * the {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6} (Linux) for the listener's local
 * port, once a second on its own daemon thread (never on an event loop). Each new drop is counted as received and
 * dropped with {@link DropReason#KERNEL}, so the accounting stays balanced. Does nothing where /proc is absent.
 */
final class KernelDropMonitor implements AutoCloseable {
    private static final Path[] TABLES = {Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")};

    private final int port;
    private final ListenerCounters counters;
    private final ScheduledExecutorService timer;
    private long last;

    private KernelDropMonitor(final int port, final ListenerCounters counters, final String name) {
        this.port = port;
        this.counters = counters;
        this.last = read();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigie-" + name + "-udp-drops");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::poll, 1, 1, TimeUnit.SECONDS);
    }

    /** Starts a monitor for a bound UDP port, or returns null when /proc/net/udp is not readable. */
    static KernelDropMonitor start(final int port, final ListenerCounters counters, final String name) {
        if (!Files.isReadable(TABLES[0])) {
            return null;
        }
        return new KernelDropMonitor(port, counters, name);
    }

    /** Reads the drops now and counts the new ones (also called at close, so nothing seen is missed). */
    synchronized void poll() {
        final long now = read();
        if (now > last) {
            counters.onReceived(now - last);
            counters.onDropped(DropReason.KERNEL, now - last);
        }
        last = Math.max(last, now);
    }

    private long read() {
        long sum = 0;
        for (final Path table : TABLES) {
            try {
                sum += drops(Files.readAllLines(table), port);
            } catch (IOException | RuntimeException e) {
                // The table is optional (no IPv6, no /proc): nothing to count from it.
            }
        }
        return sum;
    }

    /** Sum of the {@code drops} column over the sockets bound to {@code port} in a /proc/net/udp table. */
    static long drops(final List<String> lines, final int port) {
        final String portHex = ":" + String.format(Locale.ROOT, "%04X", port);
        long sum = 0;
        for (int i = 1; i < lines.size(); i++) {
            final String[] cols = lines.get(i).trim().split("\\s+");
            if (cols.length < 13 || !cols[1].endsWith(portHex)) {
                continue;
            }
            try {
                sum += Long.parseLong(cols[cols.length - 1]);
            } catch (NumberFormatException e) {
                // Not a socket line.
            }
        }
        return sum;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        poll();
    }
}
