package io.vigie.engine.journal;

import net.openhft.chronicle.bytes.SyncMode;

import java.util.Locale;

/**
 * When journal writes reach the disk. All policies survive a process crash ({@code kill -9}): Chronicle Queue writes
 * into memory-mapped files, which the kernel keeps. They differ on power loss:
 * <ul>
 *   <li>{@link #NONE} (default): the kernel writes back dirty pages on its own schedule (Linux: within about
 *       {@code vm.dirty_expire_centisecs}, 30 s by default); up to that window can be lost on power failure.</li>
 *   <li>{@link #ASYNC}: at the end of every ring batch an asynchronous {@code msync} is started; the window shrinks to
 *       the device's write latency, at little cost to throughput.</li>
 *   <li>{@link #SYNC}: at the end of every ring batch the journal is synchronously flushed before the batch counts
 *       as persisted; nothing counted as persisted is lost on power failure, at a large cost in throughput.</li>
 * </ul>
 */
public enum SyncPolicy {
    NONE(SyncMode.NONE),
    ASYNC(SyncMode.ASYNC),
    SYNC(SyncMode.SYNC);

    private final SyncMode mode;

    SyncPolicy(final SyncMode mode) {
        this.mode = mode;
    }

    SyncMode mode() {
        return mode;
    }

    /** Parses {@code none|async|sync}; throws IllegalArgumentException naming the value otherwise. */
    public static SyncPolicy parse(final String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown sync policy '" + text + "' (expected none, async or sync)", e);
        }
    }
}
