package io.vigie.ops.feed.forward;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;

/** A throw-away CA and a server certificate for 127.0.0.1 / localhost, made at test time (EC P-256). */
final class Pki {
    final Path caCert;
    final Path serverCert;
    final Path serverKey;

    Pki(final Path dir) throws Exception {
        final KeyPair caKeys = keys();
        final X500Name caName = new X500Name("CN=vigie-test-ca");
        final JcaX509v3CertificateBuilder ca = builder(caName, caName, caKeys, 1);
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        final X509Certificate caCrt = sign(ca, caKeys);

        final KeyPair serverKeys = keys();
        final JcaX509v3CertificateBuilder leaf = builder(caName, new X500Name("CN=localhost"), serverKeys, 2);
        leaf.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        final X509Certificate serverCrt = sign(leaf, caKeys);

        caCert = dir.resolve("ca.crt");
        serverCert = dir.resolve("server.crt");
        serverKey = dir.resolve("server.key");
        Files.writeString(caCert, pem("CERTIFICATE", caCrt.getEncoded()));
        Files.writeString(serverCert, pem("CERTIFICATE", serverCrt.getEncoded()));
        Files.writeString(serverKey, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
    }

    private static KeyPair keys() throws Exception {
        final KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    @SuppressWarnings("JavaUtilDate") // BouncyCastle's certificate builder takes java.util.Date
    private static JcaX509v3CertificateBuilder builder(final X500Name issuer, final X500Name subject,
                                                       final KeyPair k, final long serial) {
        final long now = System.currentTimeMillis();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial), new Date(now - 3_600_000L),
            new Date(now + 86_400_000L), subject, k.getPublic());
    }

    private static X509Certificate sign(final JcaX509v3CertificateBuilder b, final KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static String pem(final String type, final byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }
}
