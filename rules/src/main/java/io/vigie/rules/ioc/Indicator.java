package io.vigie.rules.ioc;

import io.vigie.engine.alert.Tlp;

/** One indicator of compromise, normalised (lower-case domains and hashes, CIDR text for networks). Immutable. */
public final class Indicator {
    private final IndicatorType type;
    private final String value;
    private final String id;
    private final String source;
    private final Tlp tlp;
    /** Line of a plain-list indicator: its id is {@code source:line}, built when asked (0 when {@link #id} is set). */
    private final int line;

    /** An indicator; {@code id} is the STIX/MISP id (or {@code source:line}), {@code source} the feed name. */
    public Indicator(final IndicatorType type, final String value, final String id, final String source,
                     final Tlp tlp) {
        this(type, value, id, source, 0, tlp);
    }

    /**
     * An indicator of a plain list, identified by its line: {@link #id} is {@code source:line}, built only when asked
     * (an alert), so that a list of millions of values does not keep a million id strings.
     */
    public Indicator(final IndicatorType type, final String value, final String source, final int line,
                     final Tlp tlp) {
        this(type, value, null, source, line, tlp);
    }

    private Indicator(final IndicatorType type, final String value, final String id, final String source,
                      final int line, final Tlp tlp) {
        this.type = type;
        this.value = value;
        this.id = id;
        this.source = source;
        this.line = line;
        this.tlp = tlp == null ? Tlp.RED : tlp;
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
