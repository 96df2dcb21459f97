package io.vigie.engine.journal;

/**
 * Layout of one raw-journal (and quarantine) record, little-endian, written as one Chronicle Queue excerpt.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |        version (u16)          |          flags (u16)          |  0
 *  +-------------------------------+-------------------------------+
 *  |                      format (i32)                             |  4
 *  +---------------------------------------------------------------+
 *  |                  receivedNanos (i64, epoch)                   |  8
 *  +---------------------------------------------------------------+
 *  |                 timestampNanos (i64, epoch)                   | 16
 *  +---------------------------------------------------------------+
 *  |                     listenerId (i32)                          | 24
 *  +---------------------------------------------------------------+
 *  |                       peerPort (i32)                          | 28
 *  +---------------+-----------------------------------------------+
 *  | peerAddrLen u8|         peerAddress (16 bytes) ...            | 32
 *  +---------------+-------------------------------+---------------+
 *  |   ... peerAddress                             |    tlp u8     | 49
 *  +-------------------------------+---------------+---------------+
 *  |     rejectReason (u16)        |   sourceFile (i32) ...        | 50
 *  +-------------------------------+-------------------------------+
 *  |                   sourceLine (i64)                            | 56
 *  +---------------------------------------------------------------+
 *  |   chain (32 bytes): hash chain over previous records,         | 64
 *  |   reserved for the evidence-sealing step; zero until then     |
 *  +-------------------------------+-------------------------------+
 *  |   listenerNameLength (u16)    |   listenerName (UTF-8) ...    | 96
 *  +-------------------------------+-------------------------------+
 *  |                     rawLength (i32)                           |
 *  +---------------------------------------------------------------+
 *  |             raw bytes, exactly as received ...                |
 *  +---------------------------------------------------------------+
 * </pre>
 * Readers must accept a higher minor layout only by version; fields are never reused.
 */
public final class RawRecordDescriptor {
    /** Current layout version. */
    public static final int VERSION = 1;
    /** Flag: the record is a rejected frame (quarantine). */
    public static final int FLAG_REJECTED = 1;
    /** Size of the fixed header, before the listener name. */
    public static final int FIXED_HEADER_BYTES = 96;
    /** Size of the reserved chain field. */
    public static final int CHAIN_BYTES = 32;

    private RawRecordDescriptor() {
    }
}
