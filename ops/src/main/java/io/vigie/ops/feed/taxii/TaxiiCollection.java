package io.vigie.ops.feed.taxii;

import io.vigie.engine.alert.Tlp;
import io.vigie.ops.share.SharingPolicy;
import io.vigie.ops.share.Subscriber;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * One TAXII collection (configuration {@code sharing.collections[]}): an id (a UUID, TAXII 2.1 section 5.2), a title,
 * the TLP labels whose alerts it holds (never RED) and an optional audience (subscriber names; empty = any
 * subscriber). Immutable.
 */
public final class TaxiiCollection {
    private final String id;
    private final String title;
    private final String description;
    private final Set<Tlp> labels;
    private final Set<String> audience;

    /**
     * @param id          collection id, a UUID
     * @param title       human-readable title
     * @param description description, or null
     * @param labels      the labels held (RED is refused)
     * @param audience    subscriber names allowed (empty or null: every subscriber)
     * @throws IllegalArgumentException on a bad id, no label, or RED
     */
    public TaxiiCollection(final String id, final String title, final String description,
                           final Collection<Tlp> labels, final Collection<String> audience) {
        try {
            this.id = UUID.fromString(id).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("sharing.collections: collection id must be a UUID: " + id);
        }
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("sharing.collections: collection " + id + " holds no TLP label");
        }
        if (labels.contains(Tlp.RED)) {
            throw new IllegalArgumentException("sharing.collections: collection " + id
                + " would hold TLP:RED, which never leaves the SOC");
        }
        this.title = title == null ? id : title;
        this.description = description;
        this.labels = EnumSet.copyOf(labels);
        this.audience = audience == null ? Set.of() : Set.copyOf(new LinkedHashSet<>(audience));
    }

    /**
     * A collection from configuration words: {@code tlp} one label (exactly that label) or {@code max_tlp} (every
     * label up to it, RED excluded); one of the two is required.
     */
    public static TaxiiCollection of(final String id, final String title, final String description,
                                     final String tlp, final String maxTlp, final Collection<String> audience) {
        final Set<Tlp> labels = EnumSet.noneOf(Tlp.class);
        if (tlp != null) {
            labels.add(parse(id, tlp));
        }
        if (maxTlp != null) {
            final Tlp max = parse(id, maxTlp);
            for (final Tlp t : Tlp.values()) {
                if (t.ordinal() <= max.ordinal() && t != Tlp.RED) {
                    labels.add(t);
                }
            }
        }
        return new TaxiiCollection(id, title, description, labels, audience);
    }

    private static Tlp parse(final String id, final String label) {
        final Tlp t = Tlp.parse(label);
        if (t == null) {
            throw new IllegalArgumentException("sharing.collections: collection " + id + ": not a TLP 2.0 label: "
                + label.toLowerCase(Locale.ROOT));
        }
        return t;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    /** The labels held. */
    public Set<Tlp> labels() {
        return EnumSet.copyOf(labels);
    }

    /** True when the subscriber may see this collection exists: listed, in the audience, and some label allowed. */
    public boolean visibleTo(final Subscriber s) {
        if (s == null || !s.mayRead(id) || (!audience.isEmpty() && !audience.contains(s.name()))) {
            return false;
        }
        for (final Tlp t : labels) {
            if (SharingPolicy.mayDeliver(s, labels, t)) {
                return true;
            }
        }
        return false;
    }

    /** The per-object release decision for this collection (delegates to {@link SharingPolicy}). */
    public boolean mayDeliver(final Subscriber s, final Tlp label) {
        return visibleTo(s) && SharingPolicy.mayDeliver(s, labels, label);
    }
}
