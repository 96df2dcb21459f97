package io.vigie.engine.internal;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import io.vigie.engine.alert.Alert;
import io.vigie.engine.alert.AlertJson;
import io.vigie.engine.detect.AlertEnricher;
import io.vigie.engine.journal.AlertAppender;
import io.vigie.engine.status.EngineCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * The single writer of the alert journal: serialises each alert, appends it, sets its position, counts it and runs
 * the alert listeners (replay output, live feeds). Alerts are never dropped: publishers wait for a free slot.
 */
public final class AlertWorker implements EventHandler<AlertWorker.AlertSlot> {
    private static final Logger LOG = LoggerFactory.getLogger(AlertWorker.class);

    /** A slot of the alert ring: a reference to an alert in flight. */
    public static final class AlertSlot {
        Alert alert;
    }

    private final AlertAppender appender;
    private final EngineCounters counters;
    private final List<Consumer<Alert>> listeners;
    private final AlertEnricher enricher;

    public AlertWorker(final AlertAppender appender, final EngineCounters counters,
                       final List<Consumer<Alert>> listeners) {
        this(appender, counters, listeners, null);
    }

    /** As above, with an enricher run on each alert before it is serialised (null = none). */
    public AlertWorker(final AlertAppender appender, final EngineCounters counters,
                       final List<Consumer<Alert>> listeners, final AlertEnricher enricher) {
        this.appender = appender;
        this.counters = counters;
        this.listeners = listeners;
        this.enricher = enricher;
    }

    /** Publishes an alert, waiting for a slot when the ring is full (alerts are never dropped). */
    public static void publish(final RingBuffer<AlertSlot> ring, final Alert alert) {
        final long seq = ring.next();
        try {
            ring.get(seq).alert = alert;
        } finally {
            ring.publish(seq);
        }
    }

    @Override
    public void onEvent(final AlertSlot slot, final long sequence, final boolean endOfBatch) {
        final Alert alert = slot.alert;
        slot.alert = null;
        if (alert != null) {
            if (enricher != null) {
                try {
                    enricher.enrich(alert);
                } catch (RuntimeException e) {
                    LOG.warn("alert enricher failed, enricher={}, rule={}, error={}", enricher, alert.ruleId,
                        e.toString());
                }
            }
            alert.position = appender.append(AlertJson.toBytes(alert));
            counters.onAlert(alert.levelIndex());
            for (final Consumer<Alert> l : listeners) {
                try {
                    l.accept(alert);
                } catch (RuntimeException e) {
                    LOG.warn("alert listener failed, listener={}, error={}", l, e.toString());
                }
            }
        }
        if (endOfBatch) {
            appender.endOfBatch();
        }
    }

    @Override
    public void onShutdown() {
        appender.closeAppender();
    }
}
