package io.vigie.engine.journal;

/**
 * Layout of one raw-journal (and quarantine) record, little-endian, written as one Chronicle Queue excerpt. The first
 * byte is the layout version; readers accept every version listed here, and fields are never reused.
 *
 * <p><b>Version 2</b> (written since 2026-12-03): only what the record needs. Fields a live frame does not have
 * (replay provenance) and the evidence chain are present only when their flag says so, so a live RFC 5424 record
 * carries ~45 bytes of metadata instead of 108 (fewer bytes to copy and fewer fresh pages per million records).
 * <pre>
 *   offset  size  field
 *        0     1  version = 2
 *        1     1  flags: 1 REJECTED (quarantine), 2 SOURCE (provenance follows: a replayed file and line, or
 *                 a RELP transaction number as line with file -1), 4 CHAIN (chain follows)
 *        2     1  format (i8, {@code EventFormat})
 *        3     1  tlp (u8)
 *        4     2  rejectReason (u16)
 *        6     2  peerPort (u16)
 *        8     8  receivedNanos (i64, epoch)
 *       16     8  timestampNanos (i64, epoch; {@code TelemetryEvent.NO_TIME} when none)
 *       24     4  listenerId (i32)
 *       28     1  peerAddrLen (0, 4 or 16)
 *       29     n  peerAddress (peerAddrLen bytes)
 *   [SOURCE]  12  sourceFile (i32), sourceLine (i64)
 *   [CHAIN]   32  chain: hash chain over previous records (the evidence-sealing step; never written yet)
 *              2  listenerNameLength (u16), then the listener name (UTF-8)
 *              4  rawLength (i32), then the raw bytes, exactly as received
 * </pre>
 *
 * <p><b>Version 1</b> (read only): a fixed 96-byte header, then the name and the raw bytes.
 * <pre>
 *    0 version u16 | 2 flags u16 | 4 format i32 | 8 receivedNanos i64 | 16 timestampNanos i64 | 24 listenerId i32
 *   28 peerPort i32 | 32 peerAddrLen u8 | 33 peerAddress 16 bytes | 49 tlp u8 | 50 rejectReason u16
 *   52 sourceFile i32 | 56 sourceLine i64 | 64 chain 32 bytes (zero) | 96 listenerNameLength u16, name
 *   | rawLength i32 | raw bytes
 * </pre>
 */
public final class RawRecordDescriptor {
    /** Layout version written. */
    public static final int VERSION = 2;
    /** Flag: the record is a rejected frame (quarantine). */
    public static final int FLAG_REJECTED = 1;
    /** Flag (version 2): replay provenance (source file and line) follows the peer address. */
    public static final int FLAG_SOURCE = 2;
    /** Flag (version 2): the chain field follows (after the provenance when both are present). */
    public static final int FLAG_CHAIN = 4;
    /** Bytes of version 2 before the peer address. */
    public static final int V2_FIXED_BYTES = 29;
    /** Size of the version 1 fixed header, before the listener name. */
    public static final int V1_FIXED_HEADER_BYTES = 96;
    /** Size of the chain field. */
    public static final int CHAIN_BYTES = 32;

    private RawRecordDescriptor() {
    }
}
