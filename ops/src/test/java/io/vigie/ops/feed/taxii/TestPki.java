package io.vigie.ops.feed.taxii;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Test certificates generated at test time (EC P-256); nothing is committed. */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A key pair and its certificate. */
    static final class Issued {
        final KeyPair keys;
        final X509Certificate cert;

        Issued(final KeyPair keys, final X509Certificate cert) {
            this.keys = keys;
            this.cert = cert;
        }

        /** Writes {@code <name>.crt} and {@code <name>.key} (PKCS#8) into dir. */
        Path[] write(final Path dir, final String name) throws IOException, GeneralSecurityException {
            final Path crt = dir.resolve(name + ".crt");
            final Path key = dir.resolve(name + ".key");
            Files.writeString(crt, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            return new Path[] {crt, key};
        }
    }

    private TestPki() {
    }

    static KeyPair keys() throws GeneralSecurityException {
        final KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static Issued ca(final String cn) throws Exception {
        final KeyPair k = keys();
        final X500Name name = new X500Name("CN=" + cn);
        final X509v3CertificateBuilder b = builder(name, name, k);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(k, sign(b, k));
    }

    /** A leaf certificate signed by the CA, with DNS SANs (and 127.0.0.1). */
    static Issued leaf(final Issued ca, final String cn, final String... dnsNames) throws Exception {
        final KeyPair k = keys();
        final X509v3CertificateBuilder b = builder(
            new X500Name(ca.cert.getSubjectX500Principal().getName()), new X500Name("CN=" + cn), k);
        final GeneralName[] sans = new GeneralName[dnsNames.length + 1];
        for (int i = 0; i < dnsNames.length; i++) {
            sans[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
        }
        sans[dnsNames.length] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Issued(k, sign(b, ca.keys));
    }

    @SuppressWarnings("JavaUtilDate") // BouncyCastle's certificate builder takes java.util.Date
    private static X509v3CertificateBuilder builder(final X500Name issuer, final X500Name subject, final KeyPair k) {
        final long now = System.currentTimeMillis();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
            new Date(now - 3_600_000L), new Date(now + 86_400_000L), subject, k.getPublic());
    }

    private static X509Certificate sign(final X509v3CertificateBuilder b, final KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    static String pem(final String type, final byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }
}
