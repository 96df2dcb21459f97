package io.vigie.rules.ioc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** {@link ByteKeyMap} against a {@link HashMap} of strings: keys of every length, read from anywhere in a buffer. */
class ByteKeyMapTest {
    @Test
    void shouldFindExactlyTheKeysPutWhereverTheyAreRead() {
        final SplittableRandom rnd = new SplittableRandom(7);
        final ByteKeyMap map = new ByteKeyMap();
        final Map<String, Integer> want = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            final String k = key(rnd);
            final byte[] b = k.getBytes(StandardCharsets.ISO_8859_1);
            map.put(b, 0, b.length, i);
            want.putIfAbsent(k, i); // an existing key keeps its first value
        }
        assertEquals(want.size(), map.size());
        final String[] present = want.keySet().toArray(new String[0]);
        final byte[] buffer = new byte[256];
        for (int i = 0; i < 100_000; i++) {
            final String k = i % 2 == 0 ? key(rnd) : present[rnd.nextInt(present.length)];
            final byte[] b = k.getBytes(StandardCharsets.ISO_8859_1);
            // the key at a random offset, with random bytes on both sides, up to the buffer's very end
            final int off = rnd.nextInt(buffer.length - b.length + 1);
            for (int j = 0; j < buffer.length; j++) {
                buffer[j] = (byte) rnd.nextInt(256);
            }
            System.arraycopy(b, 0, buffer, off, b.length);
            assertEquals(want.getOrDefault(k, ByteKeyMap.MISSING), map.get(buffer, off, b.length), k);
        }
    }

    @Test
    void shouldHashEqualBytesAlikeAndTellKeysThatDifferOnlyInTheirLastByte() {
        final byte[] a = "xxevil.example.com".getBytes(StandardCharsets.US_ASCII);
        final byte[] b = "evil.example.comyy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ByteKeyMap.hash(a, 2, 16), ByteKeyMap.hash(b, 0, 16));
        final ByteKeyMap map = new ByteKeyMap();
        map.put(b, 0, 16, 1);
        map.put("evil.example.con".getBytes(StandardCharsets.US_ASCII), 0, 16, 2);
        map.put(new byte[0], 0, 0, 3);
        assertEquals(1, map.get(a, 2, 16));
        assertEquals(2, map.get("evil.example.con".getBytes(StandardCharsets.US_ASCII), 0, 16));
        assertEquals(3, map.get(a, 5, 0));
        assertEquals(ByteKeyMap.MISSING, map.get(a, 2, 15));
        assertNotEquals(ByteKeyMap.hash(a, 2, 16), ByteKeyMap.hash(a, 2, 15));
    }

    private static String key(final SplittableRandom rnd) {
        final int len = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : rnd.nextInt(90);
        final StringBuilder s = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            s.append((char) ('a' + rnd.nextInt(3)));
        }
        return s.toString();
    }
}
