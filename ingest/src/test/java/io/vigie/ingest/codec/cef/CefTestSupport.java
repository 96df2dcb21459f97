package io.vigie.ingest.codec.cef;

import io.vigie.engine.ring.TelemetryEvent;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: corpus location, decoding a line, and fetching values by original CEF key. */
final class CefTestSupport {
    /** Received time used by the tests (2017-05-02T12:00:00Z), so year-less dates resolve deterministically. */
    static final long RECEIVED_NANOS = 1_493_726_400_000_000_000L;

    private static final Map<String, String> HEADER = Map.of(
        "cefVersion", "cef.version", "version", "cef.version", "deviceVendor", "observer.vendor",
        "deviceProduct", "observer.product", "deviceVersion", "observer.version",
        "deviceEventClassId", "event.code", "name", "cef.name", "severity", "cef.severity");

    private CefTestSupport() {
    }

    /** The corpus directory: system property {@code vigie.corpus}, else ../../shared/corpus from the module. */
    static Path corpus() {
        final String p = System.getProperty("vigie.corpus");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        return Path.of("../../shared/corpus");
    }

    /** Copies bytes into a fresh event and decodes from the first {@code CEF:} (or 0 when absent). */
    static TelemetryEvent decode(final CefDecoder decoder, final byte[] bytes, final TelemetryEvent into) {
        into.reset();
        into.setRaw(bytes, 0, bytes.length);
        into.receivedNanos = RECEIVED_NANOS;
        final int at = indexOf(bytes, "CEF:".getBytes(StandardCharsets.US_ASCII));
        decoder.decode(into, Math.max(at, 0), bytes.length);
        return into;
    }

    static TelemetryEvent decode(final CefDecoder decoder, final String line) {
        return decode(decoder, line.getBytes(StandardCharsets.UTF_8), new TelemetryEvent());
    }

    static int indexOf(final byte[] b, final byte[] what) {
        outer:
        for (int i = 0; i + what.length <= b.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Every field name a value of this original CEF key (or header name, or custom label) may be stored under. */
    static List<String> namesOf(final String key) {
        final List<String> names = new ArrayList<>();
        final String header = HEADER.get(key);
        if (header != null) {
            names.add(header);
            return names;
        }
        final String ecs = CefDecoder.ecsName(key);
        if ("file.hash.*".equals(ecs)) {
            names.add("file.hash.md5");
            names.add("file.hash.sha1");
            names.add("file.hash.sha256");
            names.add(key);
        } else if (ecs != null) {
            names.add(ecs);
            if ("observer.ip".equals(ecs)) {
                names.add("observer.hostname");
            }
        } else {
            names.add(key);
            names.add("cef.extensions." + key);
        }
        return names;
    }

    /** All values kept for an original CEF key, in order. */
    static List<String> values(final TelemetryEvent e, final String key) {
        final List<String> names = namesOf(key);
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < e.fieldCount(); i++) {
            if (names.contains(e.fieldName(i))) {
                out.add(e.value(i));
            }
        }
        return out;
    }

    /** All values of a field name, in order. */
    static List<String> field(final TelemetryEvent e, final String name) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < e.fieldCount(); i++) {
            if (name.equals(e.fieldName(i))) {
                out.add(e.value(i));
            }
        }
        return out;
    }

    /** Bytes allocated so far by the current thread. */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
