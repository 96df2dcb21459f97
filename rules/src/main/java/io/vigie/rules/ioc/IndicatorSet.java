package io.vigie.rules.ioc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * An immutable set of indicators, indexed for allocation-free matching: byte-key hash sets for domains, URLs and
 * hashes, and per prefix length a hash set of masked network addresses for IPv4/IPv6 (longest prefix first).
 * Built off the event path ({@link Builder}); shared by every worker and swapped whole through one volatile
 * reference (an {@code AtomicReference}) on reload.
 */
public final class IndicatorSet {
    /** No indicators. */
    public static final IndicatorSet EMPTY = new Builder().build();

    private final List<Indicator> indicators;
    private final ByteKeyMap[] v4 = new ByteKeyMap[33];
    private final ByteKeyMap[] v6 = new ByteKeyMap[129];
    private final int[] v4Prefixes;
    private final int[] v6Prefixes;
    private final ByteKeyMap domains;
    private final ByteKeyMap urls;
    private final ByteKeyMap md5;
    private final ByteKeyMap sha1;
    private final ByteKeyMap sha256;

    private IndicatorSet(final Builder b) {
        indicators = Collections.unmodifiableList(new ArrayList<>(b.indicators));
        System.arraycopy(b.v4, 0, v4, 0, v4.length);
        System.arraycopy(b.v6, 0, v6, 0, v6.length);
        v4Prefixes = prefixes(v4);
        v6Prefixes = prefixes(v6);
        domains = b.domains;
        urls = b.urls;
        md5 = b.md5;
        sha1 = b.sha1;
        sha256 = b.sha256;
    }

    private static int[] prefixes(final ByteKeyMap[] maps) {
        int n = 0;
        for (final ByteKeyMap m : maps) {
            if (m != null) {
                n++;
            }
        }
        final int[] p = new int[n];
        int k = 0;
        for (int i = maps.length - 1; i >= 0; i--) {
            if (maps[i] != null) {
                p[k++] = i;
            }
        }
        return p;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return indicators.size();
    }

    public boolean isEmpty() {
        return indicators.isEmpty();
    }

    public List<Indicator> indicators() {
        return indicators;
    }

    /** The indicator of an index returned by a match method. */
    public Indicator indicator(final int index) {
        return indicators.get(index);
    }

    /**
     * Matches an address given as ASCII text against the IP indicators (most specific prefix first). Uses the
     * caller's two 16-byte scratch arrays; no allocation. Returns the indicator index or -1.
     */
    public int matchIp(final byte[] text, final int off, final int len, final byte[] addr, final byte[] work) {
        final int n = IpParser.parse(text, off, len, addr);
        if (n < 0) {
            return -1;
        }
        final ByteKeyMap[] maps = n == 4 ? v4 : v6;
        final int[] prefixes = n == 4 ? v4Prefixes : v6Prefixes;
        for (final int p : prefixes) {
            System.arraycopy(addr, 0, work, 0, n);
            IpParser.mask(work, n, p);
            final int hit = maps[p].get(work, 0, n);
            if (hit >= 0) {
                return hit;
            }
        }
        return -1;
    }

    /**
     * Matches a lower-case domain name, then each parent domain ({@code a.b.example.com} matches an indicator
     * {@code example.com}). Returns the indicator index or -1. No allocation.
     */
    public int matchDomain(final byte[] lower, final int off, final int len) {
        if (domains.size() == 0) {
            return -1;
        }
        int start = off;
        final int end = off + len;
        while (start < end) {
            final int hit = domains.get(lower, start, end - start);
            if (hit >= 0) {
                return hit;
            }
            while (start < end && lower[start] != '.') {
                start++;
            }
            start++;
        }
        return -1;
    }

    /** Matches a URL exactly. Returns the indicator index or -1. */
    public int matchUrl(final byte[] b, final int off, final int len) {
        return urls.size() == 0 ? -1 : urls.get(b, off, len);
    }

    /** Matches a lower-case hex hash of the given type. Returns the indicator index or -1. */
    public int matchHash(final IndicatorType type, final byte[] lower, final int off, final int len) {
        final ByteKeyMap m = type == IndicatorType.MD5 ? md5 : type == IndicatorType.SHA1 ? sha1 : sha256;
        return m.size() == 0 ? -1 : m.get(lower, off, len);
    }

    /** Collects indicators into a set. Not thread-safe; off the event path. */
    public static final class Builder {
        private final List<Indicator> indicators = new ArrayList<>();
        private final ByteKeyMap[] v4 = new ByteKeyMap[33];
        private final ByteKeyMap[] v6 = new ByteKeyMap[129];
        private final ByteKeyMap domains = new ByteKeyMap();
        private final ByteKeyMap urls = new ByteKeyMap();
        private final ByteKeyMap md5 = new ByteKeyMap();
        private final ByteKeyMap sha1 = new ByteKeyMap();
        private final ByteKeyMap sha256 = new ByteKeyMap();

        /**
         * Adds an indicator (its value is validated and normalised); returns null, or the reason it was refused.
         * A duplicate value keeps the first indicator.
         */
        public String add(final Indicator indicator) {
            final String value = indicator.value().trim();
            switch (indicator.type()) {
                case IPV4:
                case IPV6:
                    return addIp(indicator, value);
                case DOMAIN: {
                    String d = value.toLowerCase(Locale.ROOT);
                    if (d.endsWith(".")) {
                        d = d.substring(0, d.length() - 1);
                    }
                    if (d.isEmpty() || !d.matches("[a-z0-9_.*-]+") || d.startsWith(".")) {
                        return "not a domain name: '" + value + "'";
                    }
                    return put(domains, d, indicator, IndicatorType.DOMAIN);
                }
                case URL:
                    if (value.isEmpty() || value.indexOf(' ') >= 0) {
                        return "not a URL: '" + value + "'";
                    }
                    return put(urls, value, indicator, IndicatorType.URL);
                default: {
                    final String h = value.toLowerCase(Locale.ROOT);
                    final int want = indicator.type() == IndicatorType.MD5 ? 32
                        : indicator.type() == IndicatorType.SHA1 ? 40 : 64;
                    if (h.length() != want || !h.matches("[0-9a-f]+")) {
                        return "not a " + indicator.type().label() + " hash: '" + value + "'";
                    }
                    final ByteKeyMap m = indicator.type() == IndicatorType.MD5 ? md5
                        : indicator.type() == IndicatorType.SHA1 ? sha1 : sha256;
                    return put(m, h, indicator, indicator.type());
                }
            }
        }

        private String addIp(final Indicator indicator, final String value) {
            final int slash = value.indexOf('/');
            final String addrText = slash < 0 ? value : value.substring(0, slash);
            final byte[] text = addrText.getBytes(StandardCharsets.US_ASCII);
            final byte[] addr = new byte[16];
            final int n = IpParser.parse(text, 0, text.length, addr);
            if (n < 0) {
                return "not an IP address: '" + value + "'";
            }
            int prefix = n * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(value.substring(slash + 1));
                } catch (final NumberFormatException e) {
                    return "bad CIDR prefix: '" + value + "'";
                }
                if (prefix < 0 || prefix > n * 8) {
                    return "bad CIDR prefix: '" + value + "'";
                }
            }
            IpParser.mask(addr, n, prefix);
            final ByteKeyMap[] maps = n == 4 ? v4 : v6;
            if (maps[prefix] == null) {
                maps[prefix] = new ByteKeyMap();
            }
            final IndicatorType type = n == 4 ? IndicatorType.IPV4 : IndicatorType.IPV6;
            final int index = indicators.size();
            indicators.add(new Indicator(type, value, indicator.id(), indicator.source(), indicator.tlp()));
            maps[prefix].put(addr, 0, n, index);
            return null;
        }

        private String put(final ByteKeyMap m, final String normalised, final Indicator indicator,
                           final IndicatorType type) {
            final byte[] k = normalised.getBytes(StandardCharsets.UTF_8);
            if (m.get(k, 0, k.length) >= 0) {
                return null;
            }
            final int index = indicators.size();
            indicators.add(new Indicator(type, normalised, indicator.id(), indicator.source(), indicator.tlp()));
            m.put(k, 0, k.length, index);
            return null;
        }

        public IndicatorSet build() {
            return new IndicatorSet(this);
        }
    }
}
