package io.vigie.ops.share;

import io.vigie.engine.alert.Tlp;

import java.util.Set;

/**
 * The one release decision of every feed (TAXII, live stream): may an object labelled {@code label} be delivered to
 * a subscriber through a collection that holds {@code collectionLabels}? TLP:RED never leaves the SOC; unlabelled
 * data (null) is treated as RED (DESIGN.md section 5). Stateless and thread-safe.
 */
public final class SharingPolicy {
    private SharingPolicy() {
    }

    /**
     * @param subscriber       the authenticated subscriber (null: nobody, never delivered)
     * @param collectionLabels the TLP labels the collection holds (null or empty: none)
     * @param label            the object's label (null: unlabelled, treated as RED)
     * @return true only when the label is not RED, the collection holds it and the subscriber may receive it
     */
    public static boolean mayDeliver(final Subscriber subscriber, final Set<Tlp> collectionLabels, final Tlp label) {
        final Tlp l = label == null ? Tlp.RED : label;
        return l != Tlp.RED && subscriber != null && collectionLabels != null && collectionLabels.contains(l)
            && subscriber.mayReceive(l);
    }

    /** True when a subscriber may receive a label at all (any collection): never RED, never above its maximum. */
    public static boolean mayDeliver(final Subscriber subscriber, final Tlp label) {
        final Tlp l = label == null ? Tlp.RED : label;
        return l != Tlp.RED && subscriber != null && subscriber.mayReceive(l);
    }
}
