package io.vigie.ops.share;

import io.vigie.engine.alert.Tlp;
import io.vigie.ops.feed.taxii.TaxiiCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class SharingPolicyTest {
    /** 10^6 random (alert label, subscriber max label, collection) triples: never a forbidden delivery, never RED. */
    @Test
    void aMillionRandomPairsNeverDeliverAForbiddenLabel() {
        final Tlp[] values = Tlp.values();
        final SplittableRandom r = new SplittableRandom(20240601L);
        final List<TaxiiCollection> collections = List.of(
            TaxiiCollection.of("0b6c1a3e-5b1e-4d0c-9a51-2f1f4f0d9c01", "all", null, null, "amber+strict", null),
            TaxiiCollection.of("0b6c1a3e-5b1e-4d0c-9a51-2f1f4f0d9c02", "green", null, "green", null, null),
            TaxiiCollection.of("0b6c1a3e-5b1e-4d0c-9a51-2f1f4f0d9c03", "clear", null, "clear", null, null));
        long delivered = 0;
        long forbidden = 0;
        long red = 0;
        for (int i = 0; i < 1_000_000; i++) {
            final Tlp label = r.nextInt(8) == 0 ? null : values[r.nextInt(values.length)];
            final Tlp max = values[r.nextInt(values.length)];
            final Subscriber s = new Subscriber("s", max, Set.of());
            final TaxiiCollection c = collections.get(r.nextInt(collections.size()));
            if (c.mayDeliver(s, label)) {
                delivered++;
                final Tlp effective = label == null ? Tlp.RED : label;
                if (effective.ordinal() > max.ordinal() || !c.labels().contains(effective)) {
                    forbidden++;
                }
                if (effective == Tlp.RED) {
                    red++;
                }
            }
        }
        assertEquals(0, forbidden);
        assertEquals(0, red);
        assertTrue(delivered > 100_000, "the property test must exercise deliveries: " + delivered);
    }

    @Test
    void redAndUnlabelledNeverLeaveEvenForARedSubscriber() {
        final Subscriber s = new Subscriber("jcu", Tlp.RED, Set.of());
        assertFalse(SharingPolicy.mayDeliver(s, EnumSet.allOf(Tlp.class), Tlp.RED));
        assertFalse(SharingPolicy.mayDeliver(s, EnumSet.allOf(Tlp.class), null));
        assertTrue(SharingPolicy.mayDeliver(s, EnumSet.allOf(Tlp.class), Tlp.AMBER_STRICT));
    }
}
