package io.vigie.rules.ioc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An immutable set of indicators, indexed for allocation-free matching: byte-key hash sets for domains, URLs and
 * hashes, and per address family an {@link IpRangeTable} (longest-prefix match of addresses and CIDR networks in one
 * lookup).
 * Built off the event path ({@link Builder}); shared by every worker and swapped whole through one volatile
 * reference (an {@code AtomicReference}) on reload.
 */
public final class IndicatorSet {
    private static final Pattern DOMAIN_CHARS = Pattern.compile("[a-z0-9_.*-]+");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    /** No indicators. */
    public static final IndicatorSet EMPTY = new Builder().build();

    private final List<Indicator> indicators;
    private final IpRangeTable v4;
    private final IpRangeTable v6;
    private final ByteKeyMap domains;
    private final ByteKeyMap urls;
    private final ByteKeyMap md5;
    private final ByteKeyMap sha1;
    private final ByteKeyMap sha256;

    private IndicatorSet(final Builder b) {
        indicators = Collections.unmodifiableList(new ArrayList<>(b.indicators));
        v4 = b.v4.build();
        v6 = b.v6.build();
        domains = b.domains;
        urls = b.urls;
        md5 = b.md5;
        sha1 = b.sha1;
        sha256 = b.sha256;
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
     * Matches an address given as ASCII text against the IP indicators: the most specific address or network that
     * holds it. Uses the caller's 16-byte scratch array; no allocation. Returns the indicator index or -1.
     */
    public int matchIp(final byte[] text, final int off, final int len, final byte[] addr) {
        final int n = IpParser.parse(text, off, len, addr);
        if (n == 4) {
            return v4.matchV4((addr[0] & 0xFF) << 24 | (addr[1] & 0xFF) << 16 | (addr[2] & 0xFF) << 8
                | (addr[3] & 0xFF));
        }
        if (n < 0) {
            return -1;
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (addr[i] & 0xFF);
            lo = (lo << 8) | (addr[8 + i] & 0xFF);
        }
        return v6.matchV6(hi, lo);
    }

    /**
     * For an IP indicator returned by {@link #matchIp}: the indicator of the next most specific network that holds
     * its network (so also the address it matched), or -1. Lets a caller skip an indicator that has expired.
     */
    public int enclosingNetwork(final int hit) {
        return indicators.get(hit).type() == IndicatorType.IPV4 ? v4.enclosing(hit) : v6.enclosing(hit);
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
        private final IpRangeTable.Builder v4 = new IpRangeTable.Builder(true);
        private final IpRangeTable.Builder v6 = new IpRangeTable.Builder(false);
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
                    if (d.isEmpty() || !DOMAIN_CHARS.matcher(d).matches() || d.startsWith(".")) {
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
                    if (h.length() != want || !HEX.matcher(h).matches()) {
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
            final IndicatorType type = n == 4 ? IndicatorType.IPV4 : IndicatorType.IPV6;
            final int index = indicators.size();
            indicators.add(same(indicator, type, value));
            (n == 4 ? v4 : v6).add(addr, prefix, index);
            return null;
        }

        private String put(final ByteKeyMap m, final String normalised, final Indicator indicator,
                           final IndicatorType type) {
            final byte[] k = normalised.getBytes(StandardCharsets.UTF_8);
            if (m.get(k, 0, k.length) >= 0) {
                return null;
            }
            final int index = indicators.size();
            indicators.add(same(indicator, type, normalised));
            m.put(k, 0, k.length, index);
            return null;
        }

        /**
         * The indicator as the set keeps it: the loader's own object when its value and type are already those (the
         * usual case), so that a watcher holding every feed's parsed indicators does not hold each one twice.
         */
        private static Indicator same(final Indicator indicator, final IndicatorType type, final String value) {
            return indicator.type() == type && indicator.value().equals(value) ? indicator
                : indicator.as(type, value);
        }

        public IndicatorSet build() {
            return new IndicatorSet(this);
        }
    }
}
