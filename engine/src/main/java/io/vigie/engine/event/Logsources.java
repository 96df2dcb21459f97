package io.vigie.engine.event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Interns Sigma logsource names (product, category, service: {@code linux}, {@code sshd}, {@code webserver}, ...) to
 * small int ids, so that decoders can tag an event with its logsource and rule workers route on ints.
 * Id {@link #UNKNOWN} (0) means "not known". Names are lower-cased. Registration is a startup/compile-time path.
 */
public final class Logsources {
    /** The id of an unknown or absent logsource attribute. */
    public static final int UNKNOWN = 0;

    private static final Map<String, Integer> IDS = new HashMap<>();
    private static final List<String> NAMES = new ArrayList<>();

    static {
        NAMES.add("");
    }

    private Logsources() {
    }

    /** The id of a name, registered when new; null or empty gives {@link #UNKNOWN}. */
    public static synchronized int id(final String name) {
        if (name == null || name.isEmpty()) {
            return UNKNOWN;
        }
        final String key = name.toLowerCase(Locale.ROOT);
        final Integer id = IDS.get(key);
        if (id != null) {
            return id;
        }
        NAMES.add(key);
        IDS.put(key, NAMES.size() - 1);
        return NAMES.size() - 1;
    }

    /** The name of an id ("" for unknown). */
    public static synchronized String name(final int id) {
        return id >= 0 && id < NAMES.size() ? NAMES.get(id) : "";
    }

    public static final int LINUX = id("linux");
    public static final int WINDOWS = id("windows");
    public static final int SYSLOG = id("syslog");
    public static final int SSHD = id("sshd");
    public static final int AUDITD = id("auditd");
    public static final int WEBSERVER = id("webserver");
    public static final int FIREWALL = id("firewall");
    public static final int PROXY = id("proxy");
}
