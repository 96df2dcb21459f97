package io.vigie.ops.server;

import io.vigie.engine.Engine;
import io.vigie.engine.ring.EventFormat;
import io.vigie.engine.status.EngineCounters;
import io.vigie.engine.status.ListenerCounters;
import io.vigie.ingest.codec.AutoDetectDecoder;
import io.vigie.ingest.codec.DecoderSettings;
import io.vigie.ingest.codec.message.MessageDecoders;
import io.vigie.ingest.publish.RingPublisher;
import io.vigie.ops.config.ConfigLoader;
import io.vigie.ops.config.VigieConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the event path allocates nothing per event after warm-up: decode (RFC 3164 header + sshd/sudo/cron
 * decoders) into a ring slot on the publishing thread, then Sigma matching (the bundled pack, prefilter on) and
 * correlation hooks on the rule worker thread. Measured with per-thread allocation counters over real auth.log lines
 * (which raise no alert with the bundled pack, so the alert path, which may allocate, is not involved).
 */
@Timeout(300)
class EventPathAllocationIT {
    @TempDir
    Path dir;

    @Test
    void shouldNotAllocatePerEventOnDecodeRingAndMatch() throws Exception {
        final Path authLog = corpus().resolve("syslog/elastic-examples/auth.log");
        final List<byte[]> lines = Files.readAllLines(authLog).stream()
            .map(s -> s.getBytes(StandardCharsets.UTF_8)).collect(java.util.stream.Collectors.toList());
        final VigieConfig c = ConfigLoader.parse("data_dir: " + dir + "\n", "vigie.yaml", n -> null);
        final DetectionSetup detection = DetectionSetup.create(c, List.of());
        final Engine.Configuration ec = Settings.engine(c, dir, detection.factory());
        ec.ringSize = 4096;
        final EngineCounters counters = new EngineCounters();
        final ListenerCounters listener = counters.listener("alloc");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Engine engine = new Engine(ec, counters)) {
            engine.start();
            final RingPublisher publisher = new RingPublisher(engine.ring(), listener,
                new AutoDetectDecoder(EventFormat.AUTO, new DecoderSettings(), new MessageDecoders()), null,
                RingPublisher.Policy.BLOCK, 1);
            final long worker = workerThreadId();
            // Warm-up: three passes over the file (JIT, slot buffers grown to the working set, dictionaries full).
            for (int pass = 0; pass < 3; pass++) {
                publish(publisher, lines);
            }
            assertTrue(engine.drain(60, TimeUnit.SECONDS));
            final long alertsBefore = counters.alerts();
            final long self = Thread.currentThread().getId();
            final long publisherBefore = threads.getThreadAllocatedBytes(self);
            final long workerBefore = threads.getThreadAllocatedBytes(worker);
            final int passes = 5;
            for (int pass = 0; pass < passes; pass++) {
                publish(publisher, lines);
            }
            final long publisherBytes = threads.getThreadAllocatedBytes(self) - publisherBefore;
            assertTrue(engine.drain(60, TimeUnit.SECONDS));
            final long workerBytes = threads.getThreadAllocatedBytes(worker) - workerBefore;
            final long events = (long) passes * lines.size();
            System.out.printf(java.util.Locale.ROOT,
                "event path allocation over %d events: publisher %d B (%.4f B/event), "
                    + "rule worker %d B (%.4f B/event)%n", events, publisherBytes, (double) publisherBytes / events,
                workerBytes, (double) workerBytes / events);
            assertEquals(alertsBefore, counters.alerts(), "auth.log raises no bundled alert");
            assertTrue(publisherBytes < events, "publisher allocated " + publisherBytes + " B for " + events);
            assertTrue(workerBytes < events, "rule worker allocated " + workerBytes + " B for " + events);
            assertEquals(0, listener.rejected());
        }
    }

    private static void publish(final RingPublisher publisher, final List<byte[]> lines) {
        for (final byte[] l : lines) {
            publisher.publish(l, 0, l.length, -1, 0);
        }
    }

    private static long workerThreadId() {
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("vigie-worker-1")) {
                return t.getId();
            }
        }
        throw new AssertionError("no rule worker thread");
    }

    static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        return p != null ? Path.of(p) : Path.of("../../shared/corpus");
    }
}
