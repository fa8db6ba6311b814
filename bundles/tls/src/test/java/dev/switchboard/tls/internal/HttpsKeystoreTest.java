package dev.switchboard.tls.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpsKeystoreTest {

    @TempDir
    Path home;

    @Test
    void withoutPemFilesACertificateIsGeneratedOnceAndKept() throws Exception {
        Path tls = home.resolve("data/tls");
        HttpsKeystore.Prepared first = HttpsKeystore.prepare(tls, home.resolve("etc/tls/certificate.pem"), home.resolve("etc/tls/key.pem"));
        assertTrue(first.selfSigned());
        assertTrue(first.subject().contains("Switchboard development certificate"), first.subject());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("https.p12"))));
        assertEquals(first.sha256(), Files.readString(tls.resolve("https.sha256")).trim());
        HttpsKeystore.Prepared again = HttpsKeystore.prepare(tls, home.resolve("etc/tls/certificate.pem"), home.resolve("etc/tls/key.pem"));
        assertEquals(first.sha256(), again.sha256(), "the next start keeps the certificate clients pinned");
    }

    @Test
    void pemFilesAreUsedWhenPresentAndAMismatchIsRefusedClearly() throws Exception {
        Path generated = home.resolve("gen");
        HttpsKeystore.prepare(generated, home.resolve("none.pem"), home.resolve("none.key"));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(generated.resolve("https.p12"))) {
            ks.load(in, HttpsKeystore.PASSWORD);
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate("https");
        PrivateKey key = (PrivateKey) ks.getKey("https", HttpsKeystore.PASSWORD);
        Path certPem = home.resolve("etc/tls/certificate.pem");
        Path keyPem = home.resolve("etc/tls/key.pem");
        Files.createDirectories(certPem.getParent());
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));

        HttpsKeystore.Prepared p = HttpsKeystore.prepare(home.resolve("data/tls"), certPem, keyPem);
        assertFalse(p.selfSigned(), "a certificate given by the operator");
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())),
                p.sha256());

        // another key than the certificate's
        HttpsKeystore.prepare(home.resolve("other"), home.resolve("none.pem"), home.resolve("none.key"));
        KeyStore other = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(home.resolve("other/https.p12"))) {
            other.load(in, HttpsKeystore.PASSWORD);
        }
        Files.writeString(keyPem, pem("PRIVATE KEY", other.getKey("https", HttpsKeystore.PASSWORD).getEncoded()));
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> HttpsKeystore.prepare(home.resolve("data/tls"), certPem, keyPem));
        assertTrue(e.getMessage().contains("is not the private key of the first certificate"), e.getMessage());

        Files.writeString(keyPem, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        e = assertThrows(java.io.IOException.class, () -> HttpsKeystore.prepare(home.resolve("data/tls"), certPem, keyPem));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
