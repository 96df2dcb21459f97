package io.vigie.ops.feed.stream;

import io.netty.handler.codec.http.HttpHeaders;
import io.vigie.engine.alert.Tlp;
import io.vigie.ops.share.Subscriber;
import io.vigie.ops.share.Subscribers;

import javax.net.ssl.SSLSession;
import java.util.Set;

/** Test authentication: {@code Authorization: Bearer <tlp label>} gives a subscriber with that maximum label. */
final class TokenSubscribers implements Subscribers {
    @Override
    public Subscriber authenticate(final HttpHeaders headers, final SSLSession session) {
        final String h = headers.get("Authorization");
        if (h == null || !h.startsWith("Bearer ")) {
            return null;
        }
        final Tlp t = Tlp.parse(h.substring(7));
        return t == null ? null : new Subscriber("sub-" + t.label(), t, Set.of());
    }
}
