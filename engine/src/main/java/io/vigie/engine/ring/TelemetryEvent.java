package io.vigie.engine.ring;

import io.vigie.engine.event.Fields;
import io.vigie.engine.event.Logsources;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One normalised event, held in a preallocated Disruptor ring slot and filled in place by the publishing thread's
 * decoder. Reused for every event that passes through the slot, so nothing here is allocated per event once the
 * slot's buffers have grown to the working set (growth is rare, bounded by the listener's max frame size, and kept).
 *
 * <pre>
 *   raw[0..rawLength)          the frame exactly as received (the evidence)
 *   field table, entry i:      id[i] | values[2i] values[2i + 1] (value offset, length)
 *                              | nameOff[i] nameLen[i] (only for ids past the dictionary cap)
 *   arena[0..arenaLength)      field values (and inline names), UTF-8 bytes
 * </pre>
 *
 * <p>Threading: written by one publisher between claim and publish; read by ring workers after publish; the raw
 * journal worker also writes {@link #seq}, before any rule worker reads the slot (rule workers are gated on it).
 */
public final class TelemetryEvent {
    /** Value of {@link #timestampNanos} when the frame carried no usable time. */
    public static final long NO_TIME = Long.MIN_VALUE;
    /** Field id stored for an entry whose name did not fit in the dictionary (name kept inline in the arena). */
    public static final int INLINE_NAME = -2;

    /** Initial size of the slot's one buffer: the raw frame, then the arena. */
    private static final int INITIAL_BYTES = 4096;
    private static final int INITIAL_FIELDS = 32;

    // --- frame and provenance -------------------------------------------------------------------------------
    /**
     * The slot's one buffer: the raw frame at [0, rawLength), then the arena of field values from {@link #arenaBase}.
     * A field whose value is a slice of the raw bytes points into the frame itself (no copy); values a decoder builds
     * (unescaped, numbers, constants) go to the arena. So a decoded frame costs one copy of its bytes, not two, and
     * one cold buffer per ring slot instead of two. Nothing may change the bytes below {@code arenaBase}: they are
     * the evidence the journal keeps ({@link #ownValue} gives a field a private copy before an in-place change).
     */
    private byte[] raw = new byte[INITIAL_BYTES];
    private int rawLength;
    /** Start of the arena in {@link #raw}: the raw length when the frame was set. */
    private int arenaBase;
    /** Receive time, epoch nanoseconds (the {@code event.created} field). */
    public long receivedNanos;
    /** Receive time on the monotonic clock ({@link System#nanoTime()}), for stage latencies only. */
    public long receivedMonoNanos;
    /** Event time from the log, epoch nanoseconds, or {@link #NO_TIME}. */
    public long timestampNanos;
    /** Listener that received the frame (index into the engine's listener table). */
    public int listenerId;
    /** Peer address: 4 or 16 bytes in {@link #peerAddress}, length in {@link #peerAddressLength} (0 = none). */
    public final byte[] peerAddress = new byte[16];
    public int peerAddressLength;
    public int peerPort;
    /** {@link EventFormat} code of the decoder that produced the fields. */
    public int format;
    /** 0 when accepted; otherwise the ordinal of the reject reason (io.vigie.engine.status.RejectReason). */
    public int rejectReason;
    /** Sigma logsource of the event, as {@link Logsources} ids. */
    public int logProduct;
    public int logCategory;
    public int logService;
    /** TLP 2.0 label code (io.vigie.engine.alert.Tlp ordinal); set by the listener. */
    public int tlp;
    /** Position of the event in the raw journal ({@code vigie.seq}); -1 until the journal worker has appended it. */
    public long seq;
    /** Replay provenance: source file index (-1 when live) and 1-based line number. */
    public int sourceFile;
    public long sourceLine;
    /** Decoder flags (e.g. lenient parse), see {@link EventFormat}. */
    public int flags;

    // --- field table ----------------------------------------------------------------------------------------
    private int[] ids = new int[INITIAL_FIELDS];
    /**
     * Entry i's value: offset at [2i], length at [2i + 1]. One array, so that reading or writing a value touches one
     * line where two arrays touched two (the rule worker reads a slot written on the other core: each line is a miss).
     */
    private int[] values = new int[2 * INITIAL_FIELDS];
    private int[] nameOffsets = new int[INITIAL_FIELDS];
    private int[] nameLengths = new int[INITIAL_FIELDS];
    private int fieldCount;
    private int arenaLength;
    private int openField = -1;
    /** Count of buffer growths this slot did (rare allocation on the event path is counted). */
    private long growths;

    /** Clears the slot for a new frame; keeps its buffers. */
    public void reset() {
        rawLength = 0;
        arenaBase = 0;
        receivedNanos = 0;
        receivedMonoNanos = 0;
        timestampNanos = NO_TIME;
        listenerId = 0;
        peerAddressLength = 0;
        peerPort = 0;
        format = 0;
        rejectReason = 0;
        logProduct = Logsources.UNKNOWN;
        logCategory = Logsources.UNKNOWN;
        logService = Logsources.UNKNOWN;
        tlp = 0;
        seq = -1;
        sourceFile = -1;
        sourceLine = 0;
        flags = 0;
        clearFields();
    }

    /** Removes all fields (used when a decoder restarts on another format). */
    public void clearFields() {
        fieldCount = 0;
        arenaLength = arenaBase;
        openField = -1;
    }

    // --- raw bytes ------------------------------------------------------------------------------------------

    /** The buffer holding the raw frame; valid bytes are [0, {@link #rawLength()}). */
    public byte[] raw() {
        return raw;
    }

    public int rawLength() {
        return rawLength;
    }

    /**
     * Ensures the buffer holds a {@code length}-byte frame and sets the raw length; the caller then copies the frame
     * into {@link #raw()}. Returns the buffer. Clears the fields (their arena starts after the frame).
     */
    public byte[] rawBuffer(final int length) {
        if (raw.length < length + INITIAL_BYTES / 2) {
            raw = new byte[Math.max(length + INITIAL_BYTES / 2, raw.length * 2)];
            growths++;
        }
        rawLength = length;
        arenaBase = length;
        clearFields();
        return raw;
    }

    /** Copies a frame in as the raw bytes. */
    public void setRaw(final byte[] src, final int offset, final int length) {
        System.arraycopy(src, offset, rawBuffer(length), 0, length);
    }

    // --- writing fields -------------------------------------------------------------------------------------

    /** Adds a field whose value is a byte range (copied into the arena); returns the entry index. */
    public int addField(final int id, final byte[] src, final int offset, final int length) {
        final int i = newEntry(id);
        ensureArena(length);
        System.arraycopy(src, offset, raw, arenaLength, length);
        values[2 * i] = arenaLength;
        values[2 * i + 1] = length;
        arenaLength += length;
        return i;
    }

    /**
     * Adds a field whose value is a slice of this event's own raw bytes: the entry points into the frame, nothing is
     * copied. Its bytes must not be changed in place (call {@link #ownValue} first).
     */
    public int addRawField(final int id, final int rawOffset, final int length) {
        if (rawOffset < 0 || length < 0 || rawOffset + length > rawLength) {
            throw new IndexOutOfBoundsException("raw slice [" + rawOffset + ", +" + length + ") of " + rawLength);
        }
        final int i = newEntry(id);
        values[2 * i] = rawOffset;
        values[2 * i + 1] = length;
        return i;
    }

    /**
     * Gives an entry's value a private copy in the arena when it points into the raw frame, so that a decoder may
     * change it in place (lower-case it) without touching the evidence. Returns the entry.
     */
    public int ownValue(final int index) {
        final int off = values[2 * index];
        if (off < arenaBase) {
            final int len = values[2 * index + 1];
            ensureArena(len);
            System.arraycopy(raw, off, raw, arenaLength, len);
            values[2 * index] = arenaLength;
            arenaLength += len;
        }
        return index;
    }

    /** Adds a field with a decimal integer value (no allocation). */
    public int addField(final int id, final long value) {
        final int i = newEntry(id);
        ensureArena(20);
        values[2 * i] = arenaLength;
        arenaLength = writeLong(raw, arenaLength, value);
        values[2 * i + 1] = arenaLength - values[2 * i];
        return i;
    }

    /** Adds a field from an ASCII/UTF-8 constant (pre-encoded by the caller, e.g. {@code static final byte[]}). */
    public int addField(final int id, final byte[] constant) {
        return addField(id, constant, 0, constant.length);
    }

    /** Adds a field whose name is given as bytes: interned in {@link Fields}, or kept inline past the cap. */
    public int addNamedField(final byte[] name, final int nameOffset, final int nameLength,
                             final byte[] src, final int offset, final int length) {
        final int id = Fields.intern(name, nameOffset, nameLength);
        if (id != Fields.NO_FIELD) {
            return addField(id, src, offset, length);
        }
        final int i = newEntry(INLINE_NAME);
        ensureArena(nameLength + length);
        System.arraycopy(name, nameOffset, raw, arenaLength, nameLength);
        nameOffsets[i] = arenaLength;
        nameLengths[i] = nameLength;
        arenaLength += nameLength;
        System.arraycopy(src, offset, raw, arenaLength, length);
        values[2 * i] = arenaLength;
        values[2 * i + 1] = length;
        arenaLength += length;
        return i;
    }

    /**
     * Starts a field whose value is built byte by byte (unescaping); finish with {@link #endField()}.
     * Only one field may be open at a time.
     */
    public void beginField(final int id) {
        final int i = newEntry(id);
        values[2 * i] = arenaLength;
        values[2 * i + 1] = 0;
        openField = i;
    }

    /** Appends one byte to the open field. */
    public void appendByte(final byte b) {
        ensureArena(1);
        raw[arenaLength++] = b;
    }

    /** Appends bytes to the open field. */
    public void appendBytes(final byte[] src, final int offset, final int length) {
        ensureArena(length);
        System.arraycopy(src, offset, raw, arenaLength, length);
        arenaLength += length;
    }

    /** Closes the open field; returns its entry index. */
    public int endField() {
        final int i = openField;
        values[2 * i + 1] = arenaLength - values[2 * i];
        openField = -1;
        return i;
    }

    /** Drops the last field added (e.g. a decoder backing out of a partial parse). */
    public void removeLastField() {
        if (fieldCount > 0) {
            fieldCount--;
            openField = -1;
        }
    }

    /** Truncates the field table to {@code count} entries (a decoder backing out of a partial parse). */
    public void truncateFields(final int count) {
        if (count < fieldCount) {
            fieldCount = count;
            openField = -1;
        }
    }

    /** Replaces the id of an entry (e.g. mapping a CEF custom label). */
    public void setFieldId(final int index, final int id) {
        ids[index] = id;
    }

    // --- reading fields -------------------------------------------------------------------------------------

    public int fieldCount() {
        return fieldCount;
    }

    public int fieldId(final int index) {
        return ids[index];
    }

    public int valueOffset(final int index) {
        return values[2 * index];
    }

    public int valueLength(final int index) {
        return values[2 * index + 1];
    }

    /**
     * The bytes of all field values; a field's value is [valueOffset, valueOffset + valueLength). The same array as
     * {@link #raw()}: values may point into the frame. Read-only below the arena (see {@link #ownValue}).
     */
    public byte[] arena() {
        return raw;
    }

    /** Index of the first entry with this id, or -1. */
    public int indexOf(final int id) {
        final int[] a = ids;
        for (int i = 0, n = fieldCount; i < n; i++) {
            if (a[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the next entry with this id after {@code index}, or -1 (multi-valued fields). */
    public int nextIndexOf(final int id, final int index) {
        final int[] a = ids;
        for (int i = index + 1, n = fieldCount; i < n; i++) {
            if (a[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** True when a field with this id is present. */
    public boolean has(final int id) {
        return indexOf(id) >= 0;
    }

    /** The name of an entry (allocates for inline names; off the event path). */
    public String fieldName(final int index) {
        if (ids[index] == INLINE_NAME) {
            return new String(raw, nameOffsets[index], nameLengths[index], StandardCharsets.UTF_8);
        }
        return Fields.name(ids[index]);
    }

    /** An entry's value as a String (allocates; off the event path: alerts, CLI, tests). */
    public String value(final int index) {
        return new String(raw, values[2 * index], values[2 * index + 1], StandardCharsets.UTF_8);
    }

    /** The first value of a field as a String, or null (allocates; off the event path). */
    public String get(final int id) {
        final int i = indexOf(id);
        return i < 0 ? null : value(i);
    }

    /** The first value of a named field as a String, or null (allocates; tests and tools). */
    public String get(final String name) {
        for (int i = 0; i < fieldCount; i++) {
            if (name.equals(fieldName(i))) {
                return value(i);
            }
        }
        return null;
    }

    /** Parses a field's value as a decimal long; {@code missing} when absent or not a number. No allocation. */
    public long getLong(final int id, final long missing) {
        final int i = indexOf(id);
        if (i < 0) {
            return missing;
        }
        return parseLong(raw, values[2 * i], values[2 * i + 1], missing);
    }

    /** Copies the peer address as a String (allocates; off the event path). */
    public String peerAddressString() {
        if (peerAddressLength == 0) {
            return null;
        }
        try {
            return java.net.InetAddress.getByAddress(Arrays.copyOf(peerAddress, peerAddressLength)).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** Number of times this slot grew a buffer. */
    public long growths() {
        return growths;
    }

    /** Copies everything (used by tools and tests to keep an event beyond its slot's life). */
    public void copyTo(final TelemetryEvent dst) {
        dst.reset();
        dst.rawBuffer(arenaLength);
        System.arraycopy(raw, 0, dst.raw, 0, arenaLength);
        dst.rawLength = rawLength;
        dst.arenaBase = arenaBase;
        dst.receivedNanos = receivedNanos;
        dst.receivedMonoNanos = receivedMonoNanos;
        dst.timestampNanos = timestampNanos;
        dst.listenerId = listenerId;
        System.arraycopy(peerAddress, 0, dst.peerAddress, 0, 16);
        dst.peerAddressLength = peerAddressLength;
        dst.peerPort = peerPort;
        dst.format = format;
        dst.rejectReason = rejectReason;
        dst.logProduct = logProduct;
        dst.logCategory = logCategory;
        dst.logService = logService;
        dst.tlp = tlp;
        dst.seq = seq;
        dst.sourceFile = sourceFile;
        dst.sourceLine = sourceLine;
        dst.flags = flags;
        dst.ensureFields(fieldCount);
        System.arraycopy(ids, 0, dst.ids, 0, fieldCount);
        System.arraycopy(values, 0, dst.values, 0, 2 * fieldCount);
        System.arraycopy(nameOffsets, 0, dst.nameOffsets, 0, fieldCount);
        System.arraycopy(nameLengths, 0, dst.nameLengths, 0, fieldCount);
        dst.fieldCount = fieldCount;
        dst.arenaLength = arenaLength;
    }

    // --- helpers --------------------------------------------------------------------------------------------

    /** Parses ASCII decimal (optional leading '-') without allocation; {@code missing} if not a number. */
    public static long parseLong(final byte[] b, final int offset, final int length, final long missing) {
        if (length <= 0 || length > 19) {
            return missing;
        }
        int i = offset;
        final int end = offset + length;
        boolean negative = false;
        if (b[i] == '-') {
            negative = true;
            i++;
            if (i == end) {
                return missing;
            }
        }
        long v = 0;
        for (; i < end; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return missing;
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private static final int SMALL_NUMBERS = 1000;
    /** Decimal digits of 0..999: per value, up to three digits then their count. */
    private static final byte[] SMALL_DIGITS = new byte[SMALL_NUMBERS * 4];

    static {
        for (int v = 0; v < SMALL_NUMBERS; v++) {
            final byte[] d = Integer.toString(v).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(d, 0, SMALL_DIGITS, v * 4, d.length);
            SMALL_DIGITS[v * 4 + 3] = (byte) d.length;
        }
    }

    /** Writes a long as ASCII decimal at {@code pos}; returns the new end. The buffer must have 20 bytes free. */
    public static int writeLong(final byte[] dst, final int pos, final long value) {
        if (value >= 0 && value < SMALL_NUMBERS) {
            // PRI, facility, severity, version, ports...: no division on the common small values.
            final int v = (int) value;
            final int n = SMALL_DIGITS[v * 4 + 3];
            for (int k = 0; k < n; k++) {
                dst[pos + k] = SMALL_DIGITS[v * 4 + k];
            }
            return pos + n;
        }
        long v = value;
        int p = pos;
        if (v < 0) {
            dst[p++] = '-';
            if (v == Long.MIN_VALUE) {
                final byte[] min = "9223372036854775808".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(min, 0, dst, p, min.length);
                return p + min.length;
            }
            v = -v;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        final int end = p + digits;
        for (int i = end - 1; i >= p; i--) {
            dst[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        return end;
    }

    private int newEntry(final int id) {
        if (fieldCount == ids.length) {
            ensureFields(fieldCount + 1);
        }
        final int i = fieldCount++;
        ids[i] = id;
        return i;
    }

    private void ensureFields(final int count) {
        if (ids.length < count) {
            final int n = Math.max(count, ids.length * 2);
            ids = Arrays.copyOf(ids, n);
            values = Arrays.copyOf(values, 2 * n);
            nameOffsets = Arrays.copyOf(nameOffsets, n);
            nameLengths = Arrays.copyOf(nameLengths, n);
            growths++;
        }
    }

    private void ensureArena(final int extra) {
        if (arenaLength + extra > raw.length) {
            raw = Arrays.copyOf(raw, Math.max(arenaLength + extra, raw.length * 2));
            growths++;
        }
    }
}
