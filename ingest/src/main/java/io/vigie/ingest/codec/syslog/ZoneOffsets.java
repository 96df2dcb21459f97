package io.vigie.ingest.codec.syslog;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * UTC offsets of a time zone for local times (timestamps that carry no zone, RFC 3164), without allocation in the
 * steady state: the offset is cached with the span of local time it is valid for (the time between two transitions,
 * minus a margin around each so that gaps and overlaps always take the slow path). A cache miss (about twice a year
 * for zones with daylight saving) asks {@link ZoneRules}, which allocates. Confined to one thread.
 */
final class ZoneOffsets {
    /** Margin kept away from transitions (longer than any DST shift). */
    private static final long MARGIN_SECONDS = 3 * 3600L;

    private final ZoneRules rules;
    private final boolean fixed;
    private final long fixedOffset;
    private long validFrom = Long.MAX_VALUE;
    private long validTo = Long.MIN_VALUE;
    private long cachedOffset;

    ZoneOffsets(final ZoneId zone) {
        this.rules = zone.getRules();
        this.fixed = rules.isFixedOffset();
        this.fixedOffset = fixed ? rules.getOffset(Instant.EPOCH).getTotalSeconds() : 0;
    }

    /** Offset in seconds to subtract from a local epoch second (local time written as if UTC) to get UTC. */
    long offsetOfLocal(final long localEpochSecond) {
        if (fixed) {
            return fixedOffset;
        }
        if (localEpochSecond >= validFrom && localEpochSecond < validTo) {
            return cachedOffset;
        }
        return refresh(localEpochSecond);
    }

    /** Offset in seconds at an instant (used to find "today" for year inference). */
    long offsetOfInstant(final long epochSecond) {
        if (fixed) {
            return fixedOffset;
        }
        // Close enough for year inference: the cached span is expressed in local time, off by at most one offset.
        if (epochSecond >= validFrom && epochSecond < validTo) {
            return cachedOffset;
        }
        return rules.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
    }

    private long refresh(final long local) {
        final LocalDateTime ldt = LocalDateTime.ofEpochSecond(local, 0, ZoneOffset.UTC);
        final ZoneOffset offset = rules.getOffset(ldt);
        final long seconds = offset.getTotalSeconds();
        final Instant instant = Instant.ofEpochSecond(local - seconds);
        final ZoneOffsetTransition previous = rules.previousTransition(instant.plusSeconds(1));
        final ZoneOffsetTransition next = rules.nextTransition(instant);
        final long from = previous == null ? Long.MIN_VALUE / 2 : previous.toEpochSecond() + seconds + MARGIN_SECONDS;
        final long to = next == null ? Long.MAX_VALUE / 2 : next.toEpochSecond() + seconds - MARGIN_SECONDS;
        if (local >= from && local < to) {
            validFrom = from;
            validTo = to;
            cachedOffset = seconds;
        }
        return seconds;
    }
}
