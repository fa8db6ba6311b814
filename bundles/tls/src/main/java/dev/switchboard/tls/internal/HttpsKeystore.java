package dev.switchboard.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The keystore the HTTP server reads ({@code org.apache.felix.https.keystore}, PKCS12). */
final class HttpsKeystore {

    static final String FILE = "https.p12";
    static final String ALIAS = "https";
    /**
     * The keystore's password, also in the run descriptor for Jetty. Not a secret: what protects the
     * key is that data/ is the owner's only (0700, files 0600).
     */
    static final char[] PASSWORD = "switchboard".toCharArray();

    /** What is in force: the certificate's subject, its SHA-256 (hex, of the DER) and whether it was generated. */
    record Prepared(String subject, String sha256, boolean selfSigned) { }

    private HttpsKeystore() {
    }

    static Prepared prepare(Path directory, Path certificatePem, Path keyPem) throws IOException, GeneralSecurityException,
            InterruptedException {
        Files.createDirectories(directory);
        Path keystore = directory.resolve(FILE);
        boolean fromPem = Files.exists(certificatePem) || Files.exists(keyPem);
        if (fromPem) {
            if (!Files.exists(certificatePem) || !Files.exists(keyPem)) {
                throw new IOException("both " + certificatePem + " and " + keyPem + " are needed; only one exists");
            }
            write(fromPem(certificatePem, keyPem), keystore);
        } else if (!Files.exists(keystore)) {
            selfSigned(keystore);
        }
        X509Certificate leaf = leaf(keystore);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        Files.writeString(directory.resolve("https.sha256"), sha + "\n");
        boolean generated = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal()) && !fromPem;
        return new Prepared(leaf.getSubjectX500Principal().getName(), sha, generated);
    }

    /** A certificate chain (leaf first) and its PKCS#8 private key, checked to belong together. */
    static KeyStore fromPem(Path certificatePem, Path keyPem) throws IOException, GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(certificatePem)) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(certificatePem + " holds no PEM certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certificatePem + " holds no PEM certificate");
        }
        PrivateKey key = privateKey(keyPem);
        X509Certificate leaf = (X509Certificate) chain.get(0);
        if (!matches(key, leaf)) {
            throw new IOException(keyPem + " is not the private key of the first certificate in " + certificatePem);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(new Certificate[0]));
        return ks;
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY") || text.contains("ENCRYPTED")) {
            throw new IOException(pem + " is not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in " + pem + "'");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(pem + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (java.security.spec.InvalidKeySpecException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IOException(pem + " holds a private key that is neither RSA, EC nor Ed25519");
    }

    private static boolean matches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "switchboard-key-check".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(algorithm);
        s.initSign(key);
        s.update(probe);
        byte[] signature = s.sign();
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(certificate.getPublicKey());
        v.update(probe);
        return v.verify(signature);
    }

    /** A P-256 key and a certificate for 127.0.0.1, ::1 and localhost, made by the JDK's keytool. */
    private static void selfSigned(Path keystore) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException("cannot generate a development certificate: " + keytool + " is missing (a JRE without"
                    + " keytool); give a certificate and key as PEM files instead");
        }
        Path tmp = keystore.resolveSibling(FILE + ".new");
        Files.deleteIfExists(tmp);
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "825",
                "-dname", "CN=Switchboard development certificate", "-ext", "SAN=ip:127.0.0.1,ip:::1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", tmp.toString(), "-storepass", new String(PASSWORD),
                "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(tmp)) {
            p.destroyForcibly();
            throw new IOException("keytool could not generate a development certificate: " + output.strip());
        }
        ownerOnly(tmp);
        Files.move(tmp, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void write(KeyStore ks, Path keystore) throws IOException, GeneralSecurityException {
        Path tmp = keystore.resolveSibling(FILE + ".new");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, PASSWORD);
        }
        Files.move(tmp, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509Certificate leaf(Path keystore) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(keystore))) {
            ks.load(in, PASSWORD);
        }
        Certificate c = ks.getCertificate(ALIAS);
        if (!(c instanceof X509Certificate x)) {
            throw new IOException(keystore + " has no certificate under '" + ALIAS + "'");
        }
        return x;
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // the data folder is private already
        }
    }
}
