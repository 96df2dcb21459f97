package io.vigie.ops.feed.stix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/** STIX identifiers (name-based UUID v5, RFC 4122 section 4.3) and timestamps (RFC 3339, UTC, milliseconds). */
public final class StixIds {
    /** Vigie's namespace for name-based ids (a fixed random UUID; changing it changes every served id). */
    public static final UUID NAMESPACE = UUID.fromString("6f0c3f3e-2c55-4e0e-9a46-7d1c0b8e5a21");
    private static final DateTimeFormatter MILLIS =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private StixIds() {
    }

    /** {@code type--uuid5(NAMESPACE, name)}. */
    public static String id(final String type, final String name) {
        return type + "--" + uuid5(NAMESPACE, name);
    }

    /** A name-based SHA-1 UUID (version 5) of a name in a namespace. */
    public static UUID uuid5(final UUID namespace, final String name) {
        final MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JRE", e);
        }
        final ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        final byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        final ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }

    /** RFC 3339 UTC with exactly three fraction digits (STIX 2.1 section 3.2 for created/modified). */
    public static String millis(final long epochNanos) {
        return MILLIS.format(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
            Math.floorMod(epochNanos, 1_000_000_000L)));
    }

    /** RFC 3339 UTC with six fraction digits (TAXII date_added: distinct per alert). */
    public static String micros(final long epochMicros) {
        return MICROS.format(Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
            Math.floorMod(epochMicros, 1_000_000L) * 1000L));
    }
}
