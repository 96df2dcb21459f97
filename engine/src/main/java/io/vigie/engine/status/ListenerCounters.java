package io.vigie.engine.status;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Accounting for one listener: every frame that enters is counted once as received, and then exactly once as
 * persisted, rejected (by reason) or dropped (by reason). {@code received = persisted + rejected + dropped} holds
 * whenever the ring is drained (events in flight are in none of the three yet).
 *
 * <p>Writers: {@code received} and {@code dropped} by the listener's publishing threads (atomic increments);
 * {@code persisted} and {@code rejected} by the single raw-journal worker.
 */
public final class ListenerCounters {
    private final int id;
    private final String name;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong persisted = new AtomicLong();
    private final AtomicLongArray rejected = new AtomicLongArray(RejectReason.count());
    private final AtomicLongArray dropped = new AtomicLongArray(DropReason.count());
    private final AtomicLong connections = new AtomicLong();

    ListenerCounters(final int id, final String name) {
        this.id = id;
        this.name = name;
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** A frame entered (publishing thread). */
    public void onReceived() {
        received.getAndIncrement();
    }

    /** Frames entered in bulk (e.g. kernel drops discovered after the fact are both received and dropped). */
    public void onReceived(final long n) {
        received.getAndAdd(n);
    }

    /** The event was appended to the raw journal (journal worker only). */
    public void onPersisted() {
        persisted.lazySet(persisted.get() + 1);
    }

    /** {@code n} events were appended to the raw journal (journal worker only). */
    public void onPersisted(final long n) {
        persisted.lazySet(persisted.get() + n);
    }

    /** {@code n} frames were rejected for a reason (journal worker only). */
    public void onRejected(final RejectReason reason, final long n) {
        rejected.lazySet(reason.ordinal(), rejected.get(reason.ordinal()) + n);
    }

    /** The frame was rejected (journal worker only). */
    public void onRejected(final RejectReason reason) {
        rejected.lazySet(reason.ordinal(), rejected.get(reason.ordinal()) + 1);
    }

    /** The event was dropped (any thread). */
    public void onDropped(final DropReason reason) {
        dropped.getAndIncrement(reason.ordinal());
    }

    /** Events dropped in bulk (any thread). */
    public void onDropped(final DropReason reason, final long n) {
        dropped.getAndAdd(reason.ordinal(), n);
    }

    /** Connection opened (+1) or closed (-1). */
    public void onConnection(final int delta) {
        connections.getAndAdd(delta);
    }

    public long received() {
        return received.get();
    }

    public long persisted() {
        return persisted.get();
    }

    public long rejected(final RejectReason reason) {
        return rejected.get(reason.ordinal());
    }

    /** Sum over all reasons. */
    public long rejected() {
        long sum = 0;
        for (int i = 0; i < rejected.length(); i++) {
            sum += rejected.get(i);
        }
        return sum;
    }

    public long dropped(final DropReason reason) {
        return dropped.get(reason.ordinal());
    }

    /** Sum over all reasons. */
    public long dropped() {
        long sum = 0;
        for (int i = 0; i < dropped.length(); i++) {
            sum += dropped.get(i);
        }
        return sum;
    }

    public long connections() {
        return connections.get();
    }

    /** True when received = persisted + rejected + dropped (meaningful once the ring is drained). */
    public boolean balanced() {
        final long r = received();
        return r == persisted() + rejected() + dropped();
    }

    @Override
    public String toString() {
        return "listener=" + name + ", received=" + received() + ", persisted=" + persisted() + ", rejected="
            + rejected() + ", dropped=" + dropped();
    }
}
