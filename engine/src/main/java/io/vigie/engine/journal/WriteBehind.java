package io.vigie.engine.journal;

import jnr.ffi.LibraryLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;

/**
 * Writes the raw journal's file back to disk some way behind the appender, then drops those written pages from the
 * page cache, so that the pages for the file's next megabytes come from pages the kernel has just freed.
 *
 * <p>Why: on a virtual machine whose host backs guest memory lazily (Firecracker here: the guest reports the memory
 * it frees to the host, which takes it back), a page the guest has not used for a few seconds costs a host fault
 * when it is next touched. The journal takes ~150 MB/s of new file pages at 600 k CEF lines/s. Measured with a C
 * program that touches a file's pages as {@link PageToucher} does (one CAS per page, 64 MiB windows, 2 GiB), a
 * fresh page costs 12-13 µs of CPU; with this write-behind, pages included, 2-3 µs. End to end (CEF, TCP, 2 cores)
 * the toucher went from 52-55% to 22-28% of a core. On bare metal a fresh page costs far less, but a bounded
 * page-cache footprint and evidence reaching the disk within seconds, rather than in a burst after the kernel's 30-s
 * dirty expiry, are worth having anyway.
 *
 * <p>Where: a {@link #STEP} is written back only once it is {@code lag} bytes behind the appender, past Chronicle's
 * mapped chunk (64 MiB and a 16 MiB overlap) and the toucher's 64 MiB window. Writing back a page that a
 * multithreaded process still maps write-protects it: a TLB shootdown on every core, which the first version (writeback
 * right behind the appender) paid for 58% of the toucher's time (perf, cpu-clock, kernel stacks). The step is waited
 * for and dropped one step later, so the disk writes it meanwhile.
 *
 * <p>Twice: a page mapped by anyone when it is dropped stays in the page cache, and Chronicle keeps some steps mapped
 * past the first drop, so each range is dropped again {@code lag} later. Without that, a 16-s CEF run at ~720 k
 * lines/s ended with 533 MiB of its 1.8 GiB file resident and growing, instead of the bound (mincore per 8 MiB step:
 * the first 80 MiB, which Chronicle maps for the file's life, then 1 to 7 resident steps after each 256 MiB).
 *
 * <p>Safety: {@code sync_file_range} only starts or waits for writeback; {@code POSIX_FADV_DONTNEED} only evicts
 * pages that are clean and mapped by nobody (dirty or mapped pages are skipped by the kernel). Neither can change a
 * byte of the file, whatever the appender or a reader is doing; a reader of old records reads them from disk.
 * Neither is a durability promise either: that is {@link SyncPolicy}'s job.
 *
 * <p>Linux only (the calls are bound with JNR, already on the class path through Chronicle); elsewhere, or if
 * binding fails, it logs once and does nothing. Driven by the toucher's thread only.
 */
final class WriteBehind {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);
    /** Unit of writeback and dropping: one sync_file_range and one fadvise per 8 MiB. */
    static final long STEP = 8L << 20;
    /** Default distance behind the appender at which written pages are written back and dropped (see above). */
    static final long LAG = 256L << 20;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int SYNC_FILE_RANGE_WAIT_BEFORE = 1;
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int SYNC_FILE_RANGE_WAIT_AFTER = 4;
    private static final int POSIX_FADV_DONTNEED = 4;

    /** The C library calls used here (JNR binds them by name). */
    public interface LibC {
        int open(String path, int flags, int mode);

        int close(int fd);

        int sync_file_range(int fd, long offset, long nbytes, int flags);

        int posix_fadvise(int fd, long offset, long len, int advice);
    }

    private static final LibC LIBC = load();

    private final long lag;
    private boolean disabled;
    private File file;
    private int fd = -1;
    /** Writeback started for [0, started). */
    private long started;
    /** Written back and dropped from the page cache: [0, dropped). */
    private long dropped;
    /** Dropped a second time (pages that were still mapped at the first drop): [0, redropped). */
    private long redropped;
    private long droppedBytes;
    private long failures;

    /** @param lag bytes behind the appender; 0 = off */
    WriteBehind(final long lag) {
        this.lag = lag <= 0 ? 0 : Math.max(lag, STEP);
        this.disabled = lag <= 0;
    }

    private static LibC load() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            return LibraryLoader.create(LibC.class).load("c");
        } catch (RuntimeException | LinkageError e) {
            LOG.info("journal write-behind unavailable ({}): the page cache keeps the journal", e.toString());
            return null;
        }
    }

    static boolean available() {
        return LIBC != null;
    }

    /** The appender writes {@code f} up to {@code position}. */
    void advance(final File f, final long position) {
        if (LIBC == null || f == null || disabled) {
            return;
        }
        try {
            step(f, position);
        } catch (LinkageError | RuntimeException e) {
            // A native call that cannot be made (no native stub on this system): the kernel keeps the pages.
            disabled = true;
            failures++;
            LOG.warn("journal write-behind stopped, error={}", e.toString());
        }
    }

    @SuppressWarnings("ReferenceEquality") // identity: a new File object means a new cycle file
    private void step(final File f, final long position) {
        if (f != file) {
            switchTo(f);
        }
        if (fd < 0) {
            return;
        }
        // Writeback of a step starts once the step is lag behind (no longer mapped by the appender or the toucher:
        // writing back a mapped page write-protects it, a TLB shootdown on every core); it is waited for and
        // dropped one step later, so the disk writes it meanwhile.
        while (position - (started + STEP) >= lag) {
            if (LIBC.sync_file_range(fd, started, STEP, SYNC_FILE_RANGE_WRITE) != 0) {
                failures++;
            }
            started += STEP;
        }
        while (dropped + STEP < started) {
            if (LIBC.sync_file_range(fd, dropped, STEP,
                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0
                || LIBC.posix_fadvise(fd, dropped, STEP, POSIX_FADV_DONTNEED) != 0) {
                failures++;
            } else {
                droppedBytes += STEP;
            }
            dropped += STEP;
        }
        // The kernel skips pages that are mapped when they are dropped, and Chronicle still maps some steps then
        // (/proc/PID/maps during a run: besides the current 80 MiB chunk, an older one 256 MiB behind it); at the
        // default lag ~30% of the journal stayed resident. So every range is dropped a second time, lag later;
        // pages already gone cost the kernel a lookup each.
        if (dropped - redropped >= lag + STEP) {
            if (LIBC.posix_fadvise(fd, redropped, dropped - lag - redropped, POSIX_FADV_DONTNEED) != 0) {
                failures++;
            }
            redropped = dropped - lag;
        }
    }

    private void switchTo(final File f) {
        if (fd >= 0) {
            // The previous file's tail is left to the kernel's own writeback.
            LIBC.close(fd);
        }
        file = f;
        started = 0;
        dropped = 0;
        redropped = 0;
        fd = LIBC.open(f.getPath(), O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) {
            failures++;
        }
    }

    /** Bytes written back and dropped from the page cache so far. */
    long droppedBytes() {
        return droppedBytes;
    }

    /** Calls that failed (the file could not be opened, or the kernel refused a range). */
    long failures() {
        return failures;
    }

    void close() {
        if (fd >= 0 && LIBC != null) {
            LIBC.close(fd);
            fd = -1;
        }
    }
}
