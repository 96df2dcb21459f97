package io.vigie.engine.internal;

import com.lmax.disruptor.ExceptionHandler;
import io.vigie.engine.status.EngineCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exception reaching a ring worker is a bug: it is counted, logged once per distinct stack (class + top frame),
 * and the worker keeps running (the event is skipped, never half-processed twice).
 */
public final class EngineExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EngineExceptionHandler.class);

    private final EngineCounters counters;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public EngineExceptionHandler(final EngineCounters counters) {
        this.counters = counters;
    }

    private void report(final String where, final Throwable ex, final long sequence) {
        counters.onError();
        final StackTraceElement[] st = ex.getStackTrace();
        final String key = ex.getClass().getName() + (st.length > 0 ? "@" + st[0] : "");
        if (seen.size() < 1000 && seen.add(key)) {
            LOG.error("worker exception (a bug), where={}, sequence={}, distinctKey={}", where, sequence, key, ex);
        }
    }

    /** Handler for the event ring's workers. */
    public <T> ExceptionHandler<T> forEvents() {
        return handler("event");
    }

    /** Handler for the alert ring's worker. */
    public <T> ExceptionHandler<T> forAlerts() {
        return handler("alert");
    }

    private <T> ExceptionHandler<T> handler(final String where) {
        return new ExceptionHandler<>() {
            @Override
            public void handleEventException(final Throwable ex, final long sequence, final T event) {
                report(where, ex, sequence);
            }

            @Override
            public void handleOnStartException(final Throwable ex) {
                report(where + ".start", ex, -1);
            }

            @Override
            public void handleOnShutdownException(final Throwable ex) {
                report(where + ".shutdown", ex, -1);
            }
        };
    }
}
