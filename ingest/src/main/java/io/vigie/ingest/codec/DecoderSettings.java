package io.vigie.ingest.codec;

import java.time.ZoneId;

/** Per-listener decoder settings. Plain data, read at decoder construction. */
public final class DecoderSettings {
    /** Time zone of timestamps that carry none (RFC 3164). */
    public ZoneId timeZone = ZoneId.of("UTC");
    /** Lenient parsing: keep malformed frames as events with the raw bytes instead of rejecting them. */
    public boolean lenient;
    /** Limit on RFC 5424 structured-data elements per frame. */
    public int maxStructuredDataElements = 256;
    /** Limit on RFC 5424 structured-data parameters per frame (over all elements). */
    public int maxStructuredDataParams = 1024;
    /** Sigma logsource product given to syslog events no message decoder claims. */
    public String defaultProduct = "linux";
}
