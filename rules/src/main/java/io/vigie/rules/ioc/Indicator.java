package io.vigie.rules.ioc;

import io.vigie.engine.alert.Tlp;

/**
 * One indicator of compromise, normalised (lower-case domains and hashes, CIDR text for networks), with the event
 * time it expires at (STIX {@code valid_until}; never, when the feed gives none). Immutable.
 *
 * <p>Why expiry only: an event after {@code valid_until} is new activity on what is no longer an indicator (an
 * address handed to someone else), so it must not alert. {@code valid_from} is not applied: it is usually when the
 * indicator was published, and matching older logs against newer indicators is what a retro-hunt is.
 */
public final class Indicator {
    private final IndicatorType type;
    private final String value;
    private final String id;
    private final String source;
    private final Tlp tlp;
    /** Line of a plain-list indicator: its id is {@code source:line}, built when asked (0 when {@link #id} is set). */
    private final int line;
    /** Event time (epoch nanoseconds) from which it no longer matches. */
    private final long validUntil;

    /** An indicator; {@code id} is the STIX/MISP id (or {@code source:line}), {@code source} the feed name. */
    public Indicator(final IndicatorType type, final String value, final String id, final String source,
                     final Tlp tlp) {
        this(type, value, id, source, 0, tlp, Long.MAX_VALUE);
    }

    /**
     * An indicator of a plain list, identified by its line: {@link #id} is {@code source:line}, built only when asked
     * (an alert), so that a list of millions of values does not keep a million id strings.
     */
    public Indicator(final IndicatorType type, final String value, final String source, final int line,
                     final Tlp tlp) {
        this(type, value, null, source, line, tlp, Long.MAX_VALUE);
    }

    private Indicator(final IndicatorType type, final String value, final String id, final String source,
                      final int line, final Tlp tlp, final long validUntil) {
        this.type = type;
        this.value = value;
        this.id = id;
        this.source = source;
        this.line = line;
        this.tlp = tlp == null ? Tlp.RED : tlp;
        this.validUntil = validUntil;
    }

    /** This indicator, expiring at event time {@code until} (epoch nanoseconds). */
    public Indicator validUntil(final long until) {
        return new Indicator(type, value, id, source, line, tlp, until);
    }

    /** The same indicator (id, source, TLP, validity) with another type and normalised value. */
    Indicator as(final IndicatorType newType, final String newValue) {
        return new Indicator(newType, newValue, id, source, line, tlp, validUntil);
    }

    /** Whether an event at this time (epoch nanoseconds) comes before the indicator's expiry. */
    public boolean validAt(final long timeNanos) {
        return timeNanos < validUntil;
    }

    public IndicatorType type() {
        return type;
    }

    public String value() {
        return value;
    }

    public String id() {
        return id != null ? id : source + ":" + line;
    }

    /** Feed name. */
    public String source() {
        return source;
    }

    /** TLP of the indicator (RED when the feed gave none and no default was configured). */
    public Tlp tlp() {
        return tlp;
    }

    @Override
    public String toString() {
        return type.label() + " " + value + " (" + id() + ", " + source + ", " + tlp.label() + ")";
    }
}
