package io.vigie.ops.share;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vigie.engine.alert.Tlp;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Subscribers from configuration. A subscriber authenticates with a bearer token ({@code Authorization: Bearer T};
 * only SHA-256 hashes of the tokens are kept, compared with {@link MessageDigest#isEqual}) or with a TLS client
 * certificate matched by SHA-256 fingerprint or by subject CN / subjectAltName (the latter only means something when
 * the HTTP server verifies client certificates against a CA). When a request carries an {@code Authorization}
 * header, the token alone decides. Immutable and thread-safe; never logs or keeps a token in clear.
 */
public final class ConfiguredSubscribers implements Subscribers {
    /** Smallest accepted token length, in characters (a short token is a guessable token). */
    public static final int MIN_TOKEN_CHARS = 16;

    /** One configured subscriber, before hashing. */
    public static final class Spec {
        final String name;
        final String token;
        final String cert;
        final Tlp maxTlp;
        final Set<String> collections;

        /**
         * @param name        subscriber name
         * @param token       bearer token in clear (hashed at construction of {@link ConfiguredSubscribers}), or null
         * @param cert        client certificate: {@code sha256:HEX} / 64 hex digits (colons allowed) fingerprint, or
         *                    a subject CN / SAN (DNS, e-mail, URI) value; null for none
         * @param maxTlp      most permissive label it may receive (RED is never delivered anyway)
         * @param collections collection ids it may read (empty: every collection its TLP allows)
         */
        public Spec(final String name, final String token, final String cert, final Tlp maxTlp,
                    final Collection<String> collections) {
            this.name = name;
            this.token = token;
            this.cert = cert;
            this.maxTlp = maxTlp;
            this.collections = collections == null ? Set.of() : new LinkedHashSet<>(collections);
        }

        @Override
        public String toString() {
            return "subscriber " + name + " (max_tlp=" + (maxTlp == null ? null : maxTlp.label()) + ", token="
                + (token == null ? "none" : "***") + ", cert=" + cert + ", collections=" + collections + ")";
        }
    }

    private static final class Entry {
        final Subscriber subscriber;
        final byte[] tokenHash;
        final byte[] fingerprint;
        final String certName;

        Entry(final Subscriber subscriber, final byte[] tokenHash, final byte[] fingerprint, final String certName) {
            this.subscriber = subscriber;
            this.tokenHash = tokenHash;
            this.fingerprint = fingerprint;
            this.certName = certName;
        }
    }

    private static final byte[] NO_MATCH = new byte[32];
    private final List<Entry> entries = new ArrayList<>();

    /**
     * @param specs the configured subscribers
     * @throws IllegalArgumentException on a missing name or label, a duplicate name or token, a subscriber with
     *                                  neither token nor certificate, or a token shorter than {@link #MIN_TOKEN_CHARS}
     */
    public ConfiguredSubscribers(final List<Spec> specs) {
        final Set<String> names = new LinkedHashSet<>();
        for (final Spec s : specs) {
            if (s.name == null || s.name.isBlank()) {
                throw new IllegalArgumentException("sharing.subscribers: a subscriber has no name");
            }
            if (!names.add(s.name)) {
                throw new IllegalArgumentException("sharing.subscribers: duplicate subscriber name " + s.name);
            }
            if (s.maxTlp == null) {
                throw new IllegalArgumentException("sharing.subscribers: subscriber " + s.name + " has no max_tlp");
            }
            if (s.token == null && s.cert == null) {
                throw new IllegalArgumentException("sharing.subscribers: subscriber " + s.name
                    + " has neither a token (token_file/token_env) nor a client certificate (cert)");
            }
            byte[] hash = null;
            if (s.token != null) {
                final String t = s.token.strip();
                if (t.length() < MIN_TOKEN_CHARS) {
                    throw new IllegalArgumentException("sharing.subscribers: the token of subscriber " + s.name
                        + " is shorter than " + MIN_TOKEN_CHARS + " characters");
                }
                hash = sha256(t.getBytes(StandardCharsets.UTF_8));
                for (final Entry e : entries) {
                    if (e.tokenHash != null && MessageDigest.isEqual(e.tokenHash, hash)) {
                        throw new IllegalArgumentException("sharing.subscribers: subscribers " + e.subscriber.name()
                            + " and " + s.name + " share a token");
                    }
                }
            }
            byte[] fp = null;
            String certName = null;
            if (s.cert != null) {
                fp = fingerprint(s.cert);
                if (fp == null) {
                    certName = s.cert.strip();
                }
            }
            entries.add(new Entry(new Subscriber(s.name, s.maxTlp, s.collections), hash, fp, certName));
        }
    }

    /** Reads a token from a file (surrounding whitespace and the trailing newline removed); never logs it. */
    public static String tokenFromFile(final Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
    }

    /** The configured subscribers (names, labels, collections; no credentials). */
    public List<Subscriber> subscribers() {
        final List<Subscriber> out = new ArrayList<>();
        for (final Entry e : entries) {
            out.add(e.subscriber);
        }
        return out;
    }

    @Override
    public Subscriber authenticate(final HttpHeaders headers, final SSLSession session) {
        final String auth = headers == null ? null : headers.get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null) {
            return byToken(auth);
        }
        return session == null ? null : byCertificate(session);
    }

    private Subscriber byToken(final String authorization) {
        final String a = authorization.strip();
        if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        final byte[] presented = sha256(a.substring(7).strip().getBytes(StandardCharsets.UTF_8));
        // Compare against every entry without stopping early: the time does not depend on which one matches.
        Subscriber found = null;
        for (final Entry e : entries) {
            final boolean eq = MessageDigest.isEqual(e.tokenHash == null ? NO_MATCH : e.tokenHash, presented);
            if (eq && e.tokenHash != null && found == null) {
                found = e.subscriber;
            }
        }
        return found;
    }

    private Subscriber byCertificate(final SSLSession session) {
        final X509Certificate cert;
        try {
            final Certificate[] chain = session.getPeerCertificates();
            if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
                return null;
            }
            cert = (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        final byte[] fp;
        try {
            fp = sha256(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            return null;
        }
        final Set<String> names = names(cert);
        for (final Entry e : entries) {
            if (e.fingerprint != null && MessageDigest.isEqual(e.fingerprint, fp)) {
                return e.subscriber;
            }
        }
        for (final Entry e : entries) {
            if (e.certName != null && names.contains(e.certName.toLowerCase(Locale.ROOT))) {
                return e.subscriber;
            }
        }
        return null;
    }

    /** Subject CN values and DNS / e-mail / URI subjectAltNames of a certificate, lower-cased. */
    static Set<String> names(final X509Certificate cert) {
        final Set<String> out = new LinkedHashSet<>();
        try {
            for (final Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    out.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
                }
            }
        } catch (InvalidNameException e) {
            // no usable subject: only SANs can match
        }
        try {
            final Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (final List<?> san : sans) {
                    final int kind = (Integer) san.get(0);
                    // RFC 5280 section 4.2.1.6: 1 rfc822Name, 2 dNSName, 6 uniformResourceIdentifier.
                    if (kind == 1 || kind == 2 || kind == 6) {
                        out.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // unreadable SANs: only the CN can match
        }
        return out;
    }

    /** A configured fingerprint ({@code sha256:HEX}, 64 hex digits, colons allowed), or null when not one. */
    static byte[] fingerprint(final String cert) {
        String s = cert.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("sha256:")) {
            s = s.substring(7);
        }
        s = s.replace(":", "");
        if (s.length() != 64) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return null;
            }
        }
        return HexFormat.of().parseHex(s);
    }

    static byte[] sha256(final byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
