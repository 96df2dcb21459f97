package io.vigie.ingest.transport.tls;

import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A {@code Supplier<SslContext>} that re-reads the certificate chain, key and client CA when their files change
 * (modification time or size, checked at most once per second), so that new handshakes use the new material while
 * established sessions keep theirs. A reload that fails (half-written files, key not matching) keeps the previous
 * context, is counted and logged. Thread-safe: listeners call {@link #get()} once per new connection.
 */
public final class ReloadingSslContext implements Supplier<SslContext> {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingSslContext.class);
    private static final long CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final Path cert;
    private final Path key;
    private final Path clientCa;
    private final LongSupplier nanoClock;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile SslContext current;
    private long lastCheckNs;
    private String stamp;

    /**
     * Loads the material now.
     *
     * @param cert     PEM certificate chain
     * @param key      PEM PKCS#8 private key
     * @param clientCa PEM client CA (mutual TLS required), or null
     * @throws SSLException when the initial material is invalid
     */
    public ReloadingSslContext(final Path cert, final Path key, final Path clientCa) throws SSLException {
        this(cert, key, clientCa, System::nanoTime);
    }

    /** As {@link #ReloadingSslContext(Path, Path, Path)} with a clock (monotonic nanoseconds) for the check period. */
    public ReloadingSslContext(final Path cert, final Path key, final Path clientCa, final LongSupplier nanoClock)
        throws SSLException {
        this.cert = cert;
        this.key = key;
        this.clientCa = clientCa;
        this.nanoClock = nanoClock;
        this.stamp = stamp();
        this.current = TlsContexts.server(cert, key, clientCa);
        this.lastCheckNs = nanoClock.getAsLong();
    }

    /** The context for a new connection, reloaded first if the files changed (checked at most once a second). */
    @Override
    public SslContext get() {
        final long now = nanoClock.getAsLong();
        synchronized (this) {
            if (now - lastCheckNs >= CHECK_INTERVAL_NS) {
                lastCheckNs = now;
                reloadIfChanged();
            }
        }
        return current;
    }

    /**
     * Checks the files now and reloads when they changed.
     *
     * @return true when a new context was loaded
     */
    public synchronized boolean reloadIfChanged() {
        final String s = stamp();
        if (s.equals(stamp)) {
            return false;
        }
        try {
            current = TlsContexts.server(cert, key, clientCa);
            stamp = s;
            reloads.incrementAndGet();
            LOG.info("tls material reloaded, cert={}", cert);
            return true;
        } catch (SSLException | RuntimeException e) {
            // Keep serving with the previous material; retry at the next check (the files may be mid-rotation).
            failures.incrementAndGet();
            LOG.warn("tls reload failed, keeping previous material, cert={}, error={}", cert, e.getMessage());
            return false;
        }
    }

    /** Successful reloads so far. */
    public long reloads() {
        return reloads.get();
    }

    /** Failed reload attempts so far. */
    public long failures() {
        return failures.get();
    }

    private String stamp() {
        return stamp(cert) + "|" + stamp(key) + "|" + (clientCa == null ? "" : stamp(clientCa));
    }

    private static String stamp(final Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() + ":" + Files.size(p);
        } catch (IOException e) {
            return "missing";
        }
    }
}
