package io.vigie.ingest.transport.tls;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * After the TLS handshake, checks the peer's certificate against an allow-list and closes the connection (counted)
 * when it is not on it. An entry {@code sha256:<hex>} (colons optional) matches the certificate's SHA-256
 * fingerprint; any other entry matches the subject CN or a subjectAltName (DNS, IP, e-mail, URI), case-insensitively.
 * Inbound data is discarded until the peer is accepted. Place it right after the {@code SslHandler}.
 * Stateless per connection, so one instance serves every channel.
 */
@ChannelHandler.Sharable
public final class PeerAllowList extends ChannelInboundHandlerAdapter {
    private static final String FINGERPRINT = "sha256:";

    private final Set<String> names = new HashSet<>();
    private final Set<String> fingerprints = new HashSet<>();
    private final AtomicLong denied;

    /**
     * @param entries allowed names and {@code sha256:} fingerprints
     * @param denied  incremented for each connection closed by this check
     */
    public PeerAllowList(final Collection<String> entries, final AtomicLong denied) {
        for (final String e : entries) {
            final String v = e.trim();
            if (v.regionMatches(true, 0, FINGERPRINT, 0, FINGERPRINT.length())) {
                fingerprints.add(v.substring(FINGERPRINT.length()).replace(":", "").toLowerCase(Locale.ROOT));
            } else if (!v.isEmpty()) {
                names.add(v.toLowerCase(Locale.ROOT));
            }
        }
        this.denied = denied;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        // Only reached before acceptance (an accepted peer's channel no longer has this handler).
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent) {
            final SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) evt;
            if (done.isSuccess()) {
                if (allowed(ctx)) {
                    ctx.pipeline().remove(this);
                } else {
                    denied.incrementAndGet();
                    ctx.close();
                    return;
                }
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    private boolean allowed(final ChannelHandlerContext ctx) {
        final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return false;
        }
        final Certificate[] chain;
        try {
            chain = ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            return false;
        }
        return allows((X509Certificate) chain[0]);
    }

    /** True when the certificate's fingerprint, subject CN or a subjectAltName is on the list. */
    public boolean allows(final X509Certificate cert) {
        if (!fingerprints.isEmpty() && fingerprints.contains(fingerprint(cert))) {
            return true;
        }
        if (names.isEmpty()) {
            return false;
        }
        try {
            for (final Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())
                    && names.contains(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
            final Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (final List<?> san : sans) {
                    if (san.size() > 1 && san.get(1) instanceof String
                        && names.contains(((String) san.get(1)).toLowerCase(Locale.ROOT))) {
                        return true;
                    }
                }
            }
        } catch (InvalidNameException | CertificateParsingException e) {
            return false;
        }
        return false;
    }

    /** Lower-case hex SHA-256 of the certificate's DER encoding. */
    public static String fingerprint(final X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "";
        }
    }
}
