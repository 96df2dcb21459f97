package io.vigie.ingest.codec.message;

import io.vigie.engine.event.Fields;
import io.vigie.engine.ring.TelemetryEvent;

import java.util.Arrays;

import static io.vigie.ingest.codec.message.Bytes.a;

/**
 * Linux audit records ({@code type=EXECVE msg=audit(1600000000.123:456): argc=3 a0="dd" ...}, also the kernel form
 * {@code audit: type=1400 audit(...): ...} and audispd's {@code node=host type=...}).
 *
 * <p>Every key becomes {@code auditd.<key>} (case kept), quoted values unquoted, unquoted even-length hex values of
 * the keys auditd hex-encodes (EXECVE {@code aN}, proctitle, comm, exe, name, cwd, path, cmd, acct, data, ...) decoded
 * (NUL shown as space). {@code msg='k=v ...'} of user-space records is split the same way. The record's serial is
 * {@code auditd.sequence}; its time sets the event time when the header gave none.
 *
 * <p>Multi-record events: a small cache keeps, for the last {@value #CACHE} serials, the SYSCALL record's exe, comm,
 * uid, auid, pid, ppid, key, success, and copies them into later records of the same serial as {@code auditd.<key>}
 * when absent; ECS process.executable, process.name (when absent), process.pid, process.parent.pid, user.id are set
 * from them. Streaming: a record that arrives before its SYSCALL is not back-filled.
 */
final class AuditdDecoder extends MessageDecoder {
    static final int CACHE = 16;
    private static final int MAX_VALUE = 512;
    private static final int MAX_KEY = 64;

    private static final byte[] PREFIX = a("auditd.");
    private static final byte[] AUDIT_OPEN = a("audit(");
    private static final byte[] MSG = a("msg");
    private static final byte[] TYPE = a("type");
    private static final byte[] SYSCALL = a("SYSCALL");
    private static final byte[] EXECVE = a("EXECVE");
    private static final byte[][] HEX_KEYS = {a("proctitle"), a("comm"), a("exe"), a("name"), a("cwd"),
        a("path"), a("cmd"), a("acct"), a("data"), a("old"), a("new"), a("ocomm"), a("grp"), a("new_group"),
        a("old_group"), a("id"), a("watch"), a("key"), a("vm"), a("root_dir"), a("sauid"), a("subj")};
    private static final byte[][] JOIN_KEYS = {a("exe"), a("comm"), a("uid"), a("auid"), a("pid"), a("ppid"),
        a("key"), a("success")};
    private static final int[] JOIN_IDS = new int[JOIN_KEYS.length];
    private static final int[] JOIN_ECS = {Fields.PROCESS_EXECUTABLE, Fields.PROCESS_NAME, F.USER_ID, -1,
        Fields.PROCESS_PID, Fields.id("process.parent.pid"), -1, -1};
    private static final int TYPE_ID = Fields.id("auditd.type");
    private static final int SEQUENCE_ID = Fields.id("auditd.sequence");
    private static final byte[] YES = a("yes");

    static {
        for (int k = 0; k < JOIN_KEYS.length; k++) {
            final byte[] name = new byte[PREFIX.length + JOIN_KEYS[k].length];
            System.arraycopy(PREFIX, 0, name, 0, PREFIX.length);
            System.arraycopy(JOIN_KEYS[k], 0, name, PREFIX.length, JOIN_KEYS[k].length);
            JOIN_IDS[k] = Fields.intern(name, 0, name.length);
        }
    }

    private final byte[] keyName = new byte[PREFIX.length + MAX_KEY];
    private byte[] value = new byte[MAX_VALUE];
    private boolean execve;
    private boolean syscall;
    private long serial;
    private long stamp;

    // join cache: ring of recent SYSCALL records
    private final long[] cacheSerial = new long[CACHE];
    private final long[] cacheStamp = new long[CACHE];
    private final byte[][][] cacheValues = new byte[CACHE][JOIN_KEYS.length][MAX_VALUE];
    private final int[][] cacheLengths = new int[CACHE][JOIN_KEYS.length];
    private int cacheNext;

    AuditdDecoder() {
        super("auditd");
        System.arraycopy(PREFIX, 0, keyName, 0, PREFIX.length);
        Arrays.fill(cacheSerial, -1);
    }

    @Override
    boolean decode(final TelemetryEvent e, final byte[] b, final int off, final int end0) {
        final int end = Bytes.trimEnd(b, off, end0);
        execve = false;
        syscall = false;
        serial = -1;
        stamp = Times.NONE;
        final int n = e.fieldCount();
        parse(e, b, off, end, 0);
        if (e.indexOf(TYPE_ID) < 0 || serial < 0) {
            e.truncateFields(n);
            return false;
        }
        e.logProduct = F.LINUX;
        e.logService = F.AUDITD;
        e.addField(SEQUENCE_ID, serial);
        if (stamp != Times.NONE && e.timestampNanos == TelemetryEvent.NO_TIME) {
            e.timestampNanos = stamp;
        }
        if (syscall) {
            remember(e);
        } else {
            join(e);
        }
        ecs(e);
        return true;
    }

    private void parse(final TelemetryEvent e, final byte[] b, final int off, final int end, final int depth) {
        int i = off;
        while (i < end) {
            while (i < end && (b[i] == ' ' || b[i] == 0x1d || b[i] == '\t' || b[i] == ',')) {
                i++;
            }
            if (i >= end) {
                break;
            }
            final int ks = i;
            while (i < end && b[i] != '=' && b[i] != ' ' && b[i] != 0x1d) {
                i++;
            }
            if (i >= end || b[i] != '=') {
                if (Bytes.startsWith(b, ks, end, AUDIT_OPEN)) {
                    i = stamp(b, ks + AUDIT_OPEN.length, end);
                }
                continue;
            }
            final int ke = i;
            final int vs = i + 1;
            if (vs >= end) {
                break;
            }
            if (Bytes.equals(b, ks, ke, MSG) && Bytes.startsWith(b, vs, end, AUDIT_OPEN)) {
                i = stamp(b, vs + AUDIT_OPEN.length, end);
                continue;
            }
            if (b[vs] == '\'' && depth == 0) {
                int q = Bytes.indexOf(b, vs + 1, end, (byte) '\'');
                if (q < 0) {
                    q = end;
                }
                parse(e, b, vs + 1, q, 1);
                i = q + 1;
                continue;
            }
            if (b[vs] == '"') {
                int q = Bytes.indexOf(b, vs + 1, end, (byte) '"');
                if (q < 0) {
                    q = end;
                }
                emit(e, b, ks, ke, vs + 1, q, false);
                i = q + 1;
                continue;
            }
            int ve = vs;
            while (ve < end && b[ve] != ' ' && b[ve] != 0x1d && !(depth == 1 && b[ve] == '\'')) {
                ve++;
            }
            emit(e, b, ks, ke, vs, ve, hexKey(b, ks, ke));
            i = ve;
        }
    }

    /** Parses {@code 1600000000.123:456)} after {@code audit(}; returns the index after {@code ):}. */
    private int stamp(final byte[] b, final int s, final int end) {
        final int close = Bytes.indexOf(b, s, end, (byte) ')');
        if (close < 0) {
            return end;
        }
        final int colon = Bytes.indexOf(b, s, close, (byte) ':');
        if (colon > 0) {
            stamp = Times.epochSeconds(b, s, colon);
            serial = Bytes.parseLong(b, colon + 1, close, -1);
        }
        int i = close + 1;
        if (i < end && b[i] == ':') {
            i++;
        }
        return i;
    }

    private boolean hexKey(final byte[] b, final int ks, final int ke) {
        if (execve && ke - ks >= 2 && b[ks] == 'a' && Bytes.digitsEnd(b, ks + 1, ke) == ke) {
            return true;
        }
        for (final byte[] k : HEX_KEYS) {
            if (Bytes.equals(b, ks, ke, k)) {
                return true;
            }
        }
        return false;
    }

    private void emit(final TelemetryEvent e, final byte[] b, final int ks, final int ke, final int vs, final int ve,
                      final boolean maybeHex) {
        final int klen = ke - ks;
        if (klen <= 0 || klen > MAX_KEY) {
            return;
        }
        if (Bytes.equals(b, ks, ke, TYPE) && e.indexOf(TYPE_ID) < 0) {
            execve = Bytes.equals(b, vs, ve, EXECVE);
            syscall = Bytes.equals(b, vs, ve, SYSCALL);
        }
        System.arraycopy(b, ks, keyName, PREFIX.length, klen);
        final int nlen = PREFIX.length + klen;
        final int vlen = ve - vs;
        if (maybeHex && vlen >= 2 && (vlen & 1) == 0 && allHex(b, vs, ve)) {
            final int out = vlen / 2;
            if (value.length < out) {
                value = new byte[Math.max(out, value.length * 2)];
            }
            for (int j = 0; j < out; j++) {
                final int v = Bytes.hexValue(b[vs + 2 * j]) << 4 | Bytes.hexValue(b[vs + 2 * j + 1]);
                value[j] = v == 0 ? (byte) ' ' : (byte) v;
            }
            int outEnd = out;
            while (outEnd > 0 && value[outEnd - 1] == ' ') {
                outEnd--;
            }
            e.addNamedField(keyName, 0, nlen, value, 0, outEnd);
        } else {
            e.addNamedField(keyName, 0, nlen, b, vs, vlen);
        }
    }

    private static boolean allHex(final byte[] b, final int s, final int e) {
        for (int i = s; i < e; i++) {
            if (!Bytes.isHex(b[i])) {
                return false;
            }
        }
        return true;
    }

    private void remember(final TelemetryEvent e) {
        final int slot = cacheNext;
        cacheNext = (cacheNext + 1) % CACHE;
        cacheSerial[slot] = serial;
        cacheStamp[slot] = stamp;
        final byte[] arena = e.arena();
        for (int k = 0; k < JOIN_IDS.length; k++) {
            final int idx = e.indexOf(JOIN_IDS[k]);
            if (idx < 0 || e.valueLength(idx) > MAX_VALUE) {
                cacheLengths[slot][k] = -1;
                continue;
            }
            final int len = e.valueLength(idx);
            System.arraycopy(arena, e.valueOffset(idx), cacheValues[slot][k], 0, len);
            cacheLengths[slot][k] = len;
        }
    }

    private void join(final TelemetryEvent e) {
        for (int s = 0; s < CACHE; s++) {
            if (cacheSerial[s] == serial && cacheStamp[s] == stamp) {
                for (int k = 0; k < JOIN_IDS.length; k++) {
                    final int len = cacheLengths[s][k];
                    if (len >= 0 && e.indexOf(JOIN_IDS[k]) < 0) {
                        e.addField(JOIN_IDS[k], cacheValues[s][k], 0, len);
                    }
                }
                return;
            }
        }
    }

    private static void ecs(final TelemetryEvent e) {
        for (int k = 0; k < JOIN_IDS.length; k++) {
            final int ecs = JOIN_ECS[k];
            if (ecs < 0) {
                continue;
            }
            final int idx = e.indexOf(JOIN_IDS[k]);
            if (idx < 0 || (ecs == Fields.PROCESS_NAME && e.indexOf(ecs) >= 0)) {
                continue;
            }
            e.addField(ecs, e.arena(), e.valueOffset(idx), e.valueLength(idx));
        }
        final int success = e.indexOf(JOIN_IDS[7]);
        if (success >= 0) {
            final boolean yes = e.valueLength(success) == 3
                && Arrays.equals(e.arena(), e.valueOffset(success), e.valueOffset(success) + 3, YES, 0, 3);
            e.addField(Fields.EVENT_OUTCOME, yes ? F.SUCCESS : F.FAILURE);
        }
    }
}
