package io.vigie.ops.share;

import io.vigie.engine.alert.Tlp;

import java.util.Set;

/**
 * An authenticated consumer of alert feeds (an ISAC, a national authority, the JCU, a peer SOC): its name, the most
 * permissive TLP label it may receive, and the collections it may read. TLP:RED never leaves the SOC, whatever the
 * configuration says.
 */
public final class Subscriber {
    private final String name;
    private final Tlp maxTlp;
    private final Set<String> collections;

    /**
     * @param name        subscriber name (from configuration)
     * @param maxTlp      most permissive label it may receive
     * @param collections collection ids it may read (empty = every collection its TLP allows)
     */
    public Subscriber(final String name, final Tlp maxTlp, final Set<String> collections) {
        this.name = name;
        this.maxTlp = maxTlp;
        this.collections = Set.copyOf(collections);
    }

    public String name() {
        return name;
    }

    public Tlp maxTlp() {
        return maxTlp;
    }

    public Set<String> collections() {
        return collections;
    }

    /** True when an object labelled {@code label} may be delivered to this subscriber (never RED). */
    public boolean mayReceive(final Tlp label) {
        return label != Tlp.RED && label.ordinal() <= maxTlp.ordinal();
    }

    /** True when the subscriber may read a collection. */
    public boolean mayRead(final String collection) {
        return collections.isEmpty() || collections.contains(collection);
    }
}
