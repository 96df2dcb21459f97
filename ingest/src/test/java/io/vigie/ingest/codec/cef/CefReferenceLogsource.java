package io.vigie.ingest.codec.cef;

import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;

import java.nio.charset.StandardCharsets;

/**
 * Frozen copy of {@link CefLogsource} (oracle of {@code CefEquivalenceTest}, see {@link CefReferenceDecoder}).
 *
 * <p>Original contract:
 * Sigma logsource of a CEF event from its header: {@code product} from a fixed table of device vendors (Fortinet →
 * {@code fortigate}, Palo Alto Networks → {@code paloalto}, Cisco, Check Point, Juniper, Huawei, Zscaler...), and
 * {@code category} {@code firewall} or {@code proxy} when the product name says so. Vendors are not registered
 * dynamically: the logsource registry is process-wide and unbounded, and vendor names come from the wire.
 */
final class CefReferenceLogsource {
    private static final String[][] VENDORS = {
        {"fortinet", "fortigate"}, {"palo alto networks", "paloalto"}, {"cisco", "cisco"},
        {"check point", "checkpoint"}, {"checkpoint", "checkpoint"}, {"juniper", "juniper"},
        {"juniper networks", "juniper"}, {"huawei", "huawei"}, {"zscaler", "zscaler"}, {"f5", "f5"},
        {"sonicwall", "sonicwall"}, {"microsoft", "microsoft"}, {"trend micro", "trendmicro"},
        {"trend micro inc.", "trendmicro"}, {"imperva inc.", "imperva"}, {"imperva", "imperva"},
        {"citrix", "citrix"}, {"barracuda", "barracuda"}, {"forcepoint", "forcepoint"}, {"sophos", "sophos"},
    };
    private static final byte[][] VENDOR_NAMES = new byte[VENDORS.length][];
    private static final int[] VENDOR_PRODUCTS = new int[VENDORS.length];
    private static final byte[][] FIREWALL_WORDS = ascii("firewall", "fortigate", "pan-os", "ngfw", "asa",
        "netscreen", "srx", "sonicos", "vpn-1");
    private static final byte[][] PROXY_WORDS = ascii("proxy", "web gateway", "bluecoat", "proxysg", "zia");

    static {
        for (int i = 0; i < VENDORS.length; i++) {
            VENDOR_NAMES[i] = VENDORS[i][0].getBytes(StandardCharsets.US_ASCII);
            VENDOR_PRODUCTS[i] = Logsources.id(VENDORS[i][1]);
        }
    }

    private static final int CACHE_SLOTS = 16;
    private static final int CACHE_KEY_BYTES = 128;
    private static final int UNSET = Integer.MIN_VALUE;
    /**
     * Devices repeat their vendor and product in every event: a small direct-mapped cache of (vendor, product)
     * header text to the classification saves the table and word scans (~13% of CEF decoding). Owned by the
     * decoder's thread, no allocation.
     */
    private final byte[] cacheKeys = new byte[CACHE_SLOTS * CACHE_KEY_BYTES];
    private final int[] cacheLengths = new int[CACHE_SLOTS];
    private final int[] cacheVendorLengths = new int[CACHE_SLOTS];
    private final int[] cacheProducts = new int[CACHE_SLOTS];
    private final int[] cacheCategories = new int[CACHE_SLOTS];

    CefReferenceLogsource() {
        java.util.Arrays.fill(cacheLengths, -1);
    }

    void classify(final TelemetryEvent event, final byte[] raw, final int vendorStart, final int vendorEnd,
                  final int productStart, final int productEnd) {
        final int vendorLength = vendorEnd - vendorStart;
        final int length = vendorLength + productEnd - productStart;
        final boolean cacheable = length <= CACHE_KEY_BYTES;
        int slot = -1;
        if (cacheable) {
            int h = 0x811c9dc5;
            for (int i = vendorStart; i < vendorEnd; i++) {
                h = (h ^ raw[i]) * 0x01000193;
            }
            h = (h ^ vendorLength) * 0x01000193;
            for (int i = productStart; i < productEnd; i++) {
                h = (h ^ raw[i]) * 0x01000193;
            }
            slot = (h ^ (h >>> 16)) & (CACHE_SLOTS - 1);
            final int base = slot * CACHE_KEY_BYTES;
            if (cacheLengths[slot] == length && cacheVendorLengths[slot] == vendorLength
                && java.util.Arrays.equals(cacheKeys, base, base + vendorLength, raw, vendorStart, vendorEnd)
                && java.util.Arrays.equals(cacheKeys, base + vendorLength, base + length, raw, productStart,
                productEnd)) {
                apply(event, cacheProducts[slot], cacheCategories[slot]);
                return;
            }
        }
        int product = UNSET;
        for (int i = 0; i < VENDOR_NAMES.length; i++) {
            final byte[] v = VENDOR_NAMES[i];
            if (v.length == vendorLength && regionEqualsIgnoreCase(raw, vendorStart, v)) {
                product = VENDOR_PRODUCTS[i];
                break;
            }
        }
        int category = UNSET;
        if (containsWord(raw, productStart, productEnd, FIREWALL_WORDS)) {
            category = Logsources.FIREWALL;
        } else if (containsWord(raw, productStart, productEnd, PROXY_WORDS)) {
            category = Logsources.PROXY;
        }
        if (cacheable) {
            final int base = slot * CACHE_KEY_BYTES;
            System.arraycopy(raw, vendorStart, cacheKeys, base, vendorLength);
            System.arraycopy(raw, productStart, cacheKeys, base + vendorLength, productEnd - productStart);
            cacheLengths[slot] = length;
            cacheVendorLengths[slot] = vendorLength;
            cacheProducts[slot] = product;
            cacheCategories[slot] = category;
        }
        apply(event, product, category);
    }

    private static void apply(final TelemetryEvent event, final int product, final int category) {
        if (product != UNSET) {
            event.logProduct = product;
        }
        if (category != UNSET) {
            event.logCategory = category;
        }
    }

    /** True when one of the words occurs (case-insensitive) delimited by non-letters. */
    private static boolean containsWord(final byte[] b, final int start, final int end, final byte[][] words) {
        for (final byte[] w : words) {
            for (int i = start; i + w.length <= end; i++) {
                if (regionEqualsIgnoreCase(b, i, w) && (i == start || !isLetter(b[i - 1]))
                    && (i + w.length == end || !isLetter(b[i + w.length]))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isLetter(final byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean regionEqualsIgnoreCase(final byte[] b, final int offset, final byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            final int c = b[offset + i];
            final int l = c >= 'A' && c <= 'Z' ? c + 32 : c;
            if (l != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[][] ascii(final String... words) {
        final byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
