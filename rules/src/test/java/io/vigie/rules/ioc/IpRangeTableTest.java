package io.vigie.rules.ioc;

import io.vigie.engine.alert.Tlp;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Longest-prefix matching of {@link IndicatorSet#matchIp} (through {@link IpRangeTable}) against a brute-force
 * reference: for every indicator in order, does its network hold the address; the longest prefix wins, and of two
 * identical networks the first added. Random sets are drawn in a few small regions so that networks nest deeply,
 * share starts and ends, repeat, and touch both ends of the address space.
 */
class IpRangeTableTest {
    private record Net(BigInteger start, BigInteger end, int prefix) {
        boolean holds(final BigInteger a) {
            return a.compareTo(start) >= 0 && a.compareTo(end) <= 0;
        }
    }

    private static String text(final BigInteger v, final int bits) {
        final byte[] raw = v.toByteArray();
        final byte[] b = new byte[bits / 8];
        for (int i = 0; i < b.length && i < raw.length; i++) {
            b[b.length - 1 - i] = raw[raw.length - 1 - i];
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int match(final IndicatorSet set, final String addr) {
        final byte[] t = addr.getBytes(StandardCharsets.US_ASCII);
        return set.matchIp(t, 0, t.length, new byte[16]);
    }

    /** Index (in the set's indicator list) of the reference's answer, or -1. */
    private static int reference(final List<Net> nets, final BigInteger a) {
        int best = -1;
        for (int i = 0; i < nets.size(); i++) {
            final Net n = nets.get(i);
            if (n.holds(a) && (best < 0 || n.prefix() > nets.get(best).prefix())) {
                best = i;
            }
        }
        return best;
    }

    /** Indexes of the networks holding the address, longest prefix first, the first of identical ones only. */
    private static List<Integer> holding(final List<Net> nets, final BigInteger a) {
        final List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nets.size(); i++) {
            final Net n = nets.get(i);
            if (n.holds(a) && nets.indexOf(n) == i) {
                out.add(i);
            }
        }
        out.sort((x, y) -> Integer.compare(nets.get(y).prefix(), nets.get(x).prefix()));
        return out;
    }

    private static List<Integer> chain(final IndicatorSet set, final int hit) {
        final List<Integer> out = new ArrayList<>();
        for (int h = hit; h >= 0; h = set.enclosingNetwork(h)) {
            out.add(h);
        }
        return out;
    }

    private static void check(final int bits, final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final BigInteger space = BigInteger.ONE.shiftLeft(bits);
        final BigInteger[] regions = new BigInteger[4];
        regions[0] = BigInteger.ZERO;
        regions[1] = space.subtract(BigInteger.ONE.shiftLeft(bits / 2));
        for (int i = 2; i < regions.length; i++) {
            regions[i] = new BigInteger(bits, new java.util.Random(rnd.nextLong()));
        }
        final IndicatorSet.Builder b = IndicatorSet.builder();
        final List<Net> nets = new ArrayList<>();
        final List<Net> drawn = new ArrayList<>();
        final int count = 40 + rnd.nextInt(200);
        for (int i = 0; i < count; i++) {
            final int prefix;
            final Net n;
            if (!drawn.isEmpty() && rnd.nextInt(10) == 0) {
                n = drawn.get(rnd.nextInt(drawn.size())); // the same network again, later: must not win
                prefix = n.prefix();
            } else {
                final int r = rnd.nextInt(20);
                prefix = r == 0 ? 0 : r < 8 ? bits : bits - 1 - rnd.nextInt(Math.min(bits - 1, 24));
                final BigInteger near = regions[rnd.nextInt(regions.length)]
                    .add(BigInteger.valueOf(rnd.nextLong() & 0xFFFFFF));
                final BigInteger addr = near.mod(space);
                final BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
                final BigInteger start = addr.andNot(hostMask);
                n = new Net(start, start.or(hostMask), prefix);
                drawn.add(n);
            }
            final String refused = b.add(new Indicator(bits == 32 ? IndicatorType.IPV4 : IndicatorType.IPV6,
                text(n.start(), bits) + "/" + prefix, "i" + i, "test", Tlp.GREEN));
            assertNull(refused);
            nets.add(n);
        }
        final IndicatorSet set = b.build();
        assertEquals(nets.size(), set.size());
        final List<BigInteger> probes = new ArrayList<>(List.of(BigInteger.ZERO, space.subtract(BigInteger.ONE)));
        for (final Net n : nets) {
            probes.add(n.start());
            probes.add(n.end());
            if (n.start().signum() > 0) {
                probes.add(n.start().subtract(BigInteger.ONE));
            }
            if (n.end().compareTo(space.subtract(BigInteger.ONE)) < 0) {
                probes.add(n.end().add(BigInteger.ONE));
            }
            probes.add(n.start().add(n.end()).shiftRight(1));
        }
        for (int i = 0; i < 2000; i++) {
            probes.add(regions[rnd.nextInt(regions.length)].add(BigInteger.valueOf(rnd.nextLong() & 0x1FFFFFF))
                .mod(space));
        }
        int hits = 0;
        for (final BigInteger p : probes) {
            final int want = reference(nets, p);
            final String addr = text(p, bits);
            assertEquals(want, match(set, addr), () -> "seed " + seed + ", address " + addr);
            if (want >= 0) {
                hits++;
                // the chain of enclosing networks: every other network holding the address, longest prefix first
                assertEquals(holding(nets, p), chain(set, want), () -> "seed " + seed + ", address " + addr);
            }
        }
        assertTrue(hits > probes.size() / 10, "too few hits to test anything: " + hits);
    }

    @Test
    void shouldAgreeWithABruteForceLongestPrefixMatchOnIpv4() {
        for (long seed = 1; seed <= 60; seed++) {
            check(32, seed);
        }
    }

    @Test
    void shouldAgreeWithABruteForceLongestPrefixMatchOnIpv6() {
        for (long seed = 1; seed <= 60; seed++) {
            check(128, seed);
        }
    }

    @Test
    void shouldMatchNestedNetworksMostSpecificFirstAndKeepTheFirstOfTwoIdenticalOnes() {
        final IndicatorSet.Builder b = IndicatorSet.builder();
        for (final String v : List.of("10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "10.1.2.3/32", "0.0.0.0/0",
            "255.255.255.255", "2001:db8::/32", "2001:db8::1", "::/0")) {
            assertNull(b.add(new Indicator(v.contains(":") ? IndicatorType.IPV6 : IndicatorType.IPV4, v, v, "t",
                Tlp.GREEN)));
        }
        final IndicatorSet set = b.build();
        assertEquals("10.1.2.3", set.indicator(match(set, "10.1.2.3")).value());
        assertEquals("10.1.0.0/16", set.indicator(match(set, "10.1.2.4")).value());
        assertEquals("10.1.0.0/16", set.indicator(match(set, "10.1.255.255")).value());
        assertEquals("10.0.0.0/8", set.indicator(match(set, "10.2.0.0")).value());
        assertEquals("0.0.0.0/0", set.indicator(match(set, "11.0.0.0")).value());
        assertEquals("0.0.0.0/0", set.indicator(match(set, "255.255.255.254")).value());
        assertEquals("255.255.255.255", set.indicator(match(set, "255.255.255.255")).value());
        assertEquals("10.1.2.3", set.indicator(match(set, "::ffff:10.1.2.3")).value());
        assertEquals("2001:db8::1", set.indicator(match(set, "2001:DB8::1")).value());
        assertEquals("2001:db8::/32", set.indicator(match(set, "2001:db8:ffff::")).value());
        assertEquals("::/0", set.indicator(match(set, "2001:db9::")).value());
        assertEquals(-1, match(set, "not-an-address"));
        assertEquals(-1, match(IndicatorSet.builder().build(), "10.1.2.3"));
    }
}
