package io.vigie.ops.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class SyntheticLineTest {
    private static final byte[] HEADER = "<134>1 - h a 1 - - seq=".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64})
    void shouldRenderEverySequenceNumberAsLongToStringWould(final int stride) {
        for (final long first : new long[] {0, 1, 9, 95, 99_990, 999_999_999_900L}) {
            final SyntheticLine line = new SyntheticLine(HEADER, first);
            long expected = first;
            for (int i = 0; i < 2_000; i++) {
                assertEquals("<134>1 - h a 1 - - seq=" + expected, text(line));
                assertEquals(expected, line.seq());
                line.advance(stride);
                expected += stride;
            }
        }
    }

    @Test
    void shouldKeepTheNumberWhenTheHeaderChanges() {
        final SyntheticLine line = new SyntheticLine(HEADER, 41);
        line.advance(1);
        line.header("<134>1 2026-12-03T10:00:00.001Z host app 1 - - seq=".getBytes(StandardCharsets.US_ASCII));
        assertEquals("<134>1 2026-12-03T10:00:00.001Z host app 1 - - seq=42", text(line));
        line.advance(958);
        assertEquals("<134>1 2026-12-03T10:00:00.001Z host app 1 - - seq=1000", text(line));
    }

    private static String text(final SyntheticLine line) {
        return new String(line.bytes(), 0, line.length(), StandardCharsets.US_ASCII);
    }
}
