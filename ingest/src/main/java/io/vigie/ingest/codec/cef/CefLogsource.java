package io.vigie.ingest.codec.cef;

import io.vigie.engine.event.Logsources;
import io.vigie.engine.ring.TelemetryEvent;

import java.nio.charset.StandardCharsets;

/**
 * Sigma logsource of a CEF event from its header: {@code product} from a fixed table of device vendors (Fortinet →
 * {@code fortigate}, Palo Alto Networks → {@code paloalto}, Cisco, Check Point, Juniper, Huawei, Zscaler...), and
 * {@code category} {@code firewall} or {@code proxy} when the product name says so. Vendors are not registered
 * dynamically: the logsource registry is process-wide and unbounded, and vendor names come from the wire.
 */
final class CefLogsource {
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

    void classify(final TelemetryEvent event, final byte[] raw, final int vendorStart, final int vendorEnd,
                  final int productStart, final int productEnd) {
        for (int i = 0; i < VENDOR_NAMES.length; i++) {
            final byte[] v = VENDOR_NAMES[i];
            if (v.length == vendorEnd - vendorStart && regionEqualsIgnoreCase(raw, vendorStart, v)) {
                event.logProduct = VENDOR_PRODUCTS[i];
                break;
            }
        }
        if (containsWord(raw, productStart, productEnd, FIREWALL_WORDS)) {
            event.logCategory = Logsources.FIREWALL;
        } else if (containsWord(raw, productStart, productEnd, PROXY_WORDS)) {
            event.logCategory = Logsources.PROXY;
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
