package io.vigie.engine.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * Faults in the pages of the raw journal's current file ahead of the appender, on a thread of its own, so that the
 * journal worker does not pay for page allocation on the first write to each page.
 *
 * <p>Why: a Chronicle Queue file is sparse; the first store to each 4 KiB page makes the kernel allocate and zero a
 * page-cache page (and, on ext4, reserve its block). Measured on the 2-vCPU VM this project is benchmarked on,
 * that fault costs ~14 µs per page, i.e. ~0.8 µs per 220-byte journal record, more than the rest of the append; with
 * the page already faulted in through another mapping of the same file, the appender's own fault costs ~0.3 µs per
 * page (measured by touching a 256 MiB sparse file's pages through one mapping, then writing them through a second;
 * see README, Performance).
 *
 * <p>How: the appender publishes its file and write position ({@link #advance}, a release store per record). This
 * thread maps the file itself (read-write, in windows, never beyond the file's current length, so it never grows
 * the file) and performs a compare-and-set of 0 with 0 on the first long of each page from the appender's position
 * up to {@link #AHEAD_BYTES} ahead. A CAS of 0 to 0 never changes a byte: if the appender has already written there
 * it fails, if not it writes the zero that is already there. This is the same touch Chronicle's own
 * {@code MicroToucher} performs. It cannot corrupt the journal whatever the interleaving.
 */
final class PageToucher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageToucher.class);
    static final long PAGE = 4096;
    /** How far ahead of the appender pages are faulted in. */
    static final long AHEAD_BYTES = 16L << 20;
    private static final long WINDOW_BYTES = 64L << 20;
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle POSITION;
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        try {
            POSITION = MethodHandles.lookup().findVarHandle(PageToucher.class, "position", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Method cleaner = null;
        Object unsafe = null;
        try {
            final Class<?> c = Class.forName("sun.misc.Unsafe");
            final Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            cleaner = c.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Without it, windows are unmapped by the garbage collector.
        }
        INVOKE_CLEANER = cleaner;
        UNSAFE = unsafe;
    }

    private final Thread thread;
    private volatile boolean running = true;
    private volatile File file;
    @SuppressWarnings("unused") // accessed through POSITION
    private long position;
    private long touchedPages;
    private final WriteBehind writeBehind;

    PageToucher(final String name) {
        this(name, WriteBehind.LAG);
    }

    /** @param writeBehindLag how far behind the appender written pages are dropped ({@link WriteBehind}) */
    PageToucher(final String name, final long writeBehindLag) {
        writeBehind = new WriteBehind(writeBehindLag);
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The appender moved to another file (cycle roll). Appending thread. */
    void file(final File current) {
        file = current;
    }

    /** The appender's write position in the current file. Appending thread; a release store, no fence. */
    void advance(final long writePosition) {
        POSITION.setRelease(this, writePosition);
    }

    /** Pages touched so far (tests, diagnostics). */
    long touchedPages() {
        return touchedPages;
    }

    /** Journal bytes written back and dropped from the page cache behind the appender (diagnostics, tests). */
    long writtenBehindBytes() {
        return writeBehind.droppedBytes();
    }

    /** Write-behind calls that failed. */
    long writeBehindFailures() {
        return writeBehind.failures();
    }

    @SuppressWarnings("ReferenceEquality") // identity: a new File object means a new cycle file
    private void run() {
        File current = null;
        FileChannel channel = null;
        MappedByteBuffer window = null;
        long windowStart = 0;
        long windowEnd = 0;
        long touched = 0;
        long idleSleep = 50_000;
        try {
            while (running) {
                final File f = file;
                final long pos = (long) POSITION.getAcquire(this);
                if (f == null) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                if (f != current) {
                    unmap(window);
                    window = null;
                    windowStart = 0;
                    windowEnd = 0;
                    closeQuietly(channel);
                    channel = FileChannel.open(f.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                    current = f;
                    touched = 0;
                }
                writeBehind.advance(f, pos);
                final long from = Math.max(touched, (pos + PAGE) & -PAGE);
                final long limit = Math.min(pos + AHEAD_BYTES, channel.size()) & -PAGE;
                if (from >= limit) {
                    LockSupport.parkNanos(idleSleep);
                    idleSleep = Math.min(idleSleep * 2, 1_000_000);
                    continue;
                }
                idleSleep = 50_000;
                for (long p = from; p < limit && running; p += PAGE) {
                    if (p < windowStart || p + Long.BYTES > windowEnd) {
                        unmap(window);
                        final long length = Math.min(WINDOW_BYTES, channel.size() - p);
                        window = channel.map(FileChannel.MapMode.READ_WRITE, p, length);
                        windowStart = p;
                        windowEnd = p + length;
                    }
                    LONG.compareAndSet(window, (int) (p - windowStart), 0L, 0L);
                    touchedPages++;
                }
                touched = limit;
            }
        } catch (IOException | RuntimeException e) {
            // Touching is an optimisation: the appender works without it.
            LOG.warn("journal page toucher stopped, error={}", e.toString());
        } finally {
            unmap(window);
            closeQuietly(channel);
            writeBehind.close();
        }
    }

    private static void unmap(final MappedByteBuffer b) {
        if (b != null && INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, b);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to the garbage collector
            }
        }
    }

    private static void closeQuietly(final FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
