package io.vigie.ingest.transport;

import io.vigie.engine.Engine;
import io.vigie.engine.detect.Detector;
import io.vigie.engine.status.DropReason;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.message.MessageDecoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded overload: a small ring (1,024 slots) in front of a deliberately slow detector, fed over UDP and TCP at
 * about twice what it can take. Memory stays flat; once drained every listener balances exactly
 * ({@code received = persisted + rejected + dropped}); UDP losses are counted (ring_full, or kernel), and TCP loses
 * nothing (back-pressure).
 */
@Timeout(180)
class OverloadAccountingIT {
    private static final int FRAMES = 20_000;
    /** The detector parks this long per event: capacity of the order of 10^4 events/s. */
    private static final long SLOW_NANOS = 50_000;
    /** UDP pacing, one datagram per interval: about twice the detector's capacity. */
    private static final long UDP_INTERVAL_NANOS = 30_000;
    private static final long HEAP_GROWTH_BOUND = 64L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldStayBoundedAndBalanceUnderTwiceTheCapacity() throws Exception {
        final Engine.Configuration c = new Engine.Configuration();
        c.dataDir = dir.resolve("data");
        c.ringSize = 1024;
        c.detectorFactory = (ordinal, workers) -> new Detector() {
            @Override
            public void onEvent(final io.vigie.engine.ring.TelemetryEvent event,
                                final io.vigie.engine.detect.AlertSink sink) {
                LockSupport.parkNanos(SLOW_NANOS);
            }
        };
        final EngineCounters counters = new EngineCounters();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final ListenerCounters udpCounters;
        final ListenerCounters tcpCounters;
        final long heapBefore;
        try (Engine engine = new Engine(c, counters)) {
            engine.start();
            final ListenerSettings u = new ListenerSettings();
            u.name = "overload-udp";
            u.port = 0;
            u.tcp = false;
            final ListenerSettings t = new ListenerSettings();
            t.name = "overload-tcp";
            t.port = 0;
            t.udp = false;
            try (SyslogListener udp = new SyslogListener(u, engine.ring(), counters, MessageDecoders::new);
                 SyslogListener tcp = new SyslogListener(t, engine.ring(), counters, MessageDecoders::new)) {
                final int udpPort = udp.start();
                final int tcpPort = tcp.start();
                udpCounters = udp.counters();
                tcpCounters = tcp.counters();
                // Warm up (class loading, pools, journal files), then measure from a collected heap.
                sendTcp(tcpPort, "warm", 2000);
                awaitDrained(engine);
                heapBefore = usedHeapAfterGc(memory);

                final Thread tcpSender = new Thread(() -> {
                    try {
                        sendTcp(tcpPort, "tcp", FRAMES);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "overload-tcp-sender");
                tcpSender.start();
                sendUdpPaced(udpPort, FRAMES);
                tcpSender.join(TimeUnit.SECONDS.toMillis(120));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (tcpCounters.received() < FRAMES + 2000 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                awaitDrained(engine);
                // The kernel drop monitor polls once a second: let it account for late drops.
                Thread.sleep(1500);
                awaitDrained(engine);

                final long heapAfter = usedHeapAfterGc(memory);
                assertTrue(heapAfter - heapBefore < HEAP_GROWTH_BOUND,
                    "heap grew by " + (heapAfter - heapBefore) + " bytes");

                assertEquals(FRAMES + 2000, tcpCounters.received(), tcpCounters.toString());
                assertEquals(FRAMES + 2000, tcpCounters.persisted(), tcpCounters.toString());
                assertEquals(0, tcpCounters.dropped(), tcpCounters.toString());
                assertTrue(udpCounters.received() <= FRAMES, udpCounters.toString());
                assertTrue(udpCounters.dropped(DropReason.RING_FULL) + udpCounters.dropped(DropReason.KERNEL) > 0,
                    "no UDP loss at twice the capacity? " + udpCounters);
                assertTrue(udpCounters.dropped(DropReason.RING_FULL) > 0, udpCounters.toString());
                for (final ListenerCounters l : counters.listeners()) {
                    assertEquals(l.received(), l.persisted() + l.rejected() + l.dropped(), l.toString());
                }
                assertEquals(0, udp.errors());
                assertEquals(0, tcp.errors());
            }
        }
        assertEquals(0, counters.errors());
    }

    private static void awaitDrained(final Engine engine) throws InterruptedException {
        assertTrue(engine.drain(120, TimeUnit.SECONDS), "engine did not drain");
    }

    private static long usedHeapAfterGc(final MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void sendTcp(final int port, final String tag, final int n) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
             OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024)) {
            for (int i = 0; i < n; i++) {
                out.write(("<13>1 2026-12-03T08:00:00Z host app - - - overload-" + tag + "-" + i + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        }
    }

    private static void sendUdpPaced(final int port, final int n) throws Exception {
        try (DatagramSocket udp = new DatagramSocket()) {
            final InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                final byte[] f = ("<13>1 2026-12-03T08:00:00Z host app - - - overload-udp-" + i)
                    .getBytes(StandardCharsets.US_ASCII);
                udp.send(new DatagramPacket(f, f.length, target));
                next += UDP_INTERVAL_NANOS;
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
