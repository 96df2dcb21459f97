package io.vigie.engine.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The process-wide dictionary of field names (ECS dotted names and any vendor key seen), each interned to a small
 * int id so that decoders and matchers exchange ints instead of strings.
 *
 * <p>Lookups are lock-free and allocation-free ({@link #lookup(byte[], int, int)}); registering a new name takes a
 * lock and copies the table (rare: startup, rule compile, or the first time a vendor key is seen). The dictionary is
 * capped at {@link #MAX_FIELDS} names so that hostile input with unique keys bounds memory: past the cap
 * {@link #intern(byte[], int, int)} returns {@link #NO_FIELD} and the caller keeps the name inline.
 */
public final class Fields {
    /** Returned when a name is absent or the dictionary is full. */
    public static final int NO_FIELD = -1;
    /** Upper bound on distinct field names. */
    public static final int MAX_FIELDS = 32_768;

    private static final Object LOCK = new Object();
    private static volatile Table table = new Table(1024);

    // Well-known ECS names (DESIGN.md section 2). Registered first, so their ids are stable within a build.
    public static final int MESSAGE = id("message");
    public static final int HOST_NAME = id("host.name");
    public static final int HOST_IP = id("host.ip");
    public static final int SOURCE_IP = id("source.ip");
    public static final int SOURCE_PORT = id("source.port");
    public static final int SOURCE_DOMAIN = id("source.domain");
    public static final int SOURCE_USER_NAME = id("source.user.name");
    public static final int DESTINATION_IP = id("destination.ip");
    public static final int DESTINATION_PORT = id("destination.port");
    public static final int DESTINATION_DOMAIN = id("destination.domain");
    public static final int DESTINATION_USER_NAME = id("destination.user.name");
    public static final int NETWORK_TRANSPORT = id("network.transport");
    public static final int NETWORK_PROTOCOL = id("network.protocol");
    public static final int USER_NAME = id("user.name");
    public static final int USER_TARGET_NAME = id("user.target.name");
    public static final int PROCESS_NAME = id("process.name");
    public static final int PROCESS_PID = id("process.pid");
    public static final int PROCESS_COMMAND_LINE = id("process.command_line");
    public static final int PROCESS_EXECUTABLE = id("process.executable");
    public static final int EVENT_ACTION = id("event.action");
    public static final int EVENT_OUTCOME = id("event.outcome");
    public static final int EVENT_SEVERITY = id("event.severity");
    public static final int EVENT_CATEGORY = id("event.category");
    public static final int EVENT_TYPE = id("event.type");
    public static final int EVENT_CODE = id("event.code");
    public static final int EVENT_DATASET = id("event.dataset");
    public static final int URL_ORIGINAL = id("url.original");
    public static final int URL_PATH = id("url.path");
    public static final int URL_QUERY = id("url.query");
    public static final int URL_DOMAIN = id("url.domain");
    public static final int HTTP_REQUEST_METHOD = id("http.request.method");
    public static final int HTTP_REQUEST_REFERRER = id("http.request.referrer");
    public static final int HTTP_RESPONSE_STATUS_CODE = id("http.response.status_code");
    public static final int HTTP_RESPONSE_BODY_BYTES = id("http.response.body.bytes");
    public static final int HTTP_VERSION = id("http.version");
    public static final int USER_AGENT_ORIGINAL = id("user_agent.original");
    public static final int DNS_QUESTION_NAME = id("dns.question.name");
    public static final int DNS_QUESTION_TYPE = id("dns.question.type");
    public static final int FILE_NAME = id("file.name");
    public static final int FILE_PATH = id("file.path");
    public static final int FILE_HASH_MD5 = id("file.hash.md5");
    public static final int FILE_HASH_SHA1 = id("file.hash.sha1");
    public static final int FILE_HASH_SHA256 = id("file.hash.sha256");
    public static final int LOG_SYSLOG_FACILITY_CODE = id("log.syslog.facility.code");
    public static final int LOG_SYSLOG_SEVERITY_CODE = id("log.syslog.severity.code");
    public static final int LOG_SYSLOG_PRIORITY = id("log.syslog.priority");
    public static final int LOG_SYSLOG_VERSION = id("log.syslog.version");
    public static final int LOG_SYSLOG_HOSTNAME = id("log.syslog.hostname");
    public static final int LOG_SYSLOG_APPNAME = id("log.syslog.appname");
    public static final int LOG_SYSLOG_PROCID = id("log.syslog.procid");
    public static final int LOG_SYSLOG_MSGID = id("log.syslog.msgid");
    public static final int LOG_SYSLOG_STRUCTURED_DATA = id("log.syslog.structured_data");
    public static final int OBSERVER_VENDOR = id("observer.vendor");
    public static final int OBSERVER_PRODUCT = id("observer.product");
    public static final int OBSERVER_VERSION = id("observer.version");
    public static final int OBSERVER_HOSTNAME = id("observer.hostname");
    public static final int OBSERVER_IP = id("observer.ip");
    public static final int RULE_NAME = id("rule.name");
    public static final int VIGIE_SOC = id("vigie.soc");
    public static final int VIGIE_TLP = id("vigie.tlp");

    private Fields() {
    }

    /** Interns a name given as a String (startup, rule compile); never returns {@link #NO_FIELD} below the cap. */
    public static int id(final String name) {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return intern(bytes, 0, bytes.length);
    }

    /** Looks a name up without allocating; {@link #NO_FIELD} when unknown. Safe from any thread. */
    public static int lookup(final byte[] src, final int offset, final int length) {
        return table.find(src, offset, length, hash(src, offset, length));
    }

    /**
     * Returns the id of the name, registering it when new. Allocates only on first sight of a name.
     *
     * @return the id, or {@link #NO_FIELD} when the dictionary is full or the name is empty.
     */
    public static int intern(final byte[] src, final int offset, final int length) {
        if (length <= 0) {
            return NO_FIELD;
        }
        final int h = hash(src, offset, length);
        final int found = table.find(src, offset, length, h);
        if (found != NO_FIELD) {
            return found;
        }
        synchronized (LOCK) {
            Table t = table;
            final int again = t.find(src, offset, length, h);
            if (again != NO_FIELD) {
                return again;
            }
            if (t.size >= MAX_FIELDS) {
                return NO_FIELD;
            }
            if ((t.size + 1) * 2 > t.keys.length) {
                t = t.grow();
            } else {
                t = t.copy();
            }
            final int newId = t.size;
            t.insert(Arrays.copyOfRange(src, offset, offset + length), newId, h);
            table = t;
            return newId;
        }
    }

    /** The name of an id, or null when out of range. */
    public static String name(final int id) {
        final Table t = table;
        return id >= 0 && id < t.size ? t.names[id] : null;
    }

    /** The UTF-8 bytes of an id's name (shared, do not modify), or null. */
    public static byte[] nameBytes(final int id) {
        final Table t = table;
        return id >= 0 && id < t.size ? t.nameBytes[id] : null;
    }

    /** Number of names registered. */
    public static int size() {
        return table.size;
    }

    static int hash(final byte[] src, final int offset, final int length) {
        int h = 0x811C9DC5;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = (h ^ src[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    private static final class Table {
        final byte[][] keys;
        final int[] ids;
        String[] names;
        byte[][] nameBytes;
        int size;

        Table(final int capacity) {
            keys = new byte[capacity][];
            ids = new int[capacity];
            names = new String[Math.max(16, capacity / 2)];
            nameBytes = new byte[names.length][];
        }

        int find(final byte[] src, final int offset, final int length, final int h) {
            final byte[][] k = keys;
            final int mask = k.length - 1;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                final byte[] key = k[i];
                if (key == null) {
                    return NO_FIELD;
                }
                if (key.length == length && Arrays.equals(key, 0, length, src, offset, offset + length)) {
                    return ids[i];
                }
            }
        }

        void insert(final byte[] key, final int id, final int h) {
            final int mask = keys.length - 1;
            int i = h & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = key;
            ids[i] = id;
            if (id >= names.length) {
                names = Arrays.copyOf(names, names.length * 2);
                nameBytes = Arrays.copyOf(nameBytes, nameBytes.length * 2);
            }
            names[id] = new String(key, StandardCharsets.UTF_8);
            nameBytes[id] = key;
            size = Math.max(size, id + 1);
        }

        Table copy() {
            final Table t = new Table(keys.length);
            System.arraycopy(keys, 0, t.keys, 0, keys.length);
            System.arraycopy(ids, 0, t.ids, 0, ids.length);
            t.names = Arrays.copyOf(names, names.length);
            t.nameBytes = Arrays.copyOf(nameBytes, nameBytes.length);
            t.size = size;
            return t;
        }

        Table grow() {
            final Table t = new Table(keys.length * 2);
            t.names = Arrays.copyOf(names, Math.max(names.length, t.names.length));
            t.nameBytes = Arrays.copyOf(nameBytes, t.names.length);
            t.size = size;
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != null) {
                    final int mask = t.keys.length - 1;
                    int j = hash(keys[i], 0, keys[i].length) & mask;
                    while (t.keys[j] != null) {
                        j = (j + 1) & mask;
                    }
                    t.keys[j] = keys[i];
                    t.ids[j] = ids[i];
                }
            }
            return t;
        }
    }
}
