package io.vigie.engine.ring;

/** Codes of the frame formats a decoder can produce ({@link TelemetryEvent#format}). Persisted: never renumber. */
public final class EventFormat {
    /** Format not determined (rejected before detection). */
    public static final int UNKNOWN = 0;
    /** RFC 5424 syslog. */
    public static final int RFC5424 = 1;
    /** RFC 3164 (BSD) syslog, with or without PRI. */
    public static final int RFC3164 = 2;
    /** ArcSight CEF, bare or behind a syslog header. */
    public static final int CEF = 3;
    /** One JSON object. */
    public static final int JSON = 4;
    /** A line with no recognised header, kept as {@code message}. */
    public static final int PLAIN = 5;
    /** A signal from a federation peer. */
    public static final int SIGNAL = 6;

    /** Auto-detection requested (listener/replay setting, never stored on an event). */
    public static final int AUTO = -1;

    private static final String[] NAMES = {"unknown", "rfc5424", "rfc3164", "cef", "json", "plain", "signal"};

    private EventFormat() {
    }

    /** Lower-case name of a code. */
    public static String name(final int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "unknown";
    }

    /** Code of a name ({@code auto} gives {@link #AUTO}); -2 when unknown. */
    public static int parse(final String name) {
        if ("auto".equalsIgnoreCase(name)) {
            return AUTO;
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -2;
    }
}
