package io.vigie.engine.alert;

import java.util.Locale;

/**
 * Traffic Light Protocol 2.0 labels, ordered from least to most restrictive, so that the strictest of several labels
 * is the maximum ordinal. {@link #RED} is also what unlabelled data is treated as (DESIGN.md section 5).
 */
public enum Tlp {
    CLEAR("clear"),
    GREEN("green"),
    AMBER("amber"),
    AMBER_STRICT("amber+strict"),
    RED("red");

    private static final Tlp[] VALUES = values();
    private final String label;

    Tlp(final String label) {
        this.label = label;
    }

    /** The TLP 2.0 label text ({@code amber+strict}, ...). */
    public String label() {
        return label;
    }

    /** The stricter of two labels. */
    public Tlp strictest(final Tlp other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** The label for an ordinal (as stored on events); out of range is treated as {@link #RED}. */
    public static Tlp of(final int ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : RED;
    }

    /**
     * Parses {@code clear|white|green|amber|amber+strict|red} (also {@code tlp:} / {@code tlp.} prefixes); null if not
     * a label.
     */
    public static Tlp parse(final String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("tlp:") || t.startsWith("tlp.")) {
            t = t.substring(4);
        }
        switch (t) {
            case "clear":
            case "white":
                return CLEAR;
            case "green":
                return GREEN;
            case "amber":
                return AMBER;
            case "amber+strict":
            case "amber_strict":
            case "amber-strict":
                return AMBER_STRICT;
            case "red":
                return RED;
            default:
                return null;
        }
    }
}
