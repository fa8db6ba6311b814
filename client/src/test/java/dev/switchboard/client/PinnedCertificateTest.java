package dev.switchboard.client;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's media HTTPS trusts exactly the certificate the server named, self-signed or not. */
class PinnedCertificateTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheNamedCertificateIsTrusted() throws Exception {
        Path p12 = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "https", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=test",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", "secret", "-keypass", "secret").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertEquals(0, keytool.waitFor());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "secret".toCharArray());
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ks.getCertificate("https").getEncoded()));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "secret".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        server.start();
        try {
            URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
            HttpClient pinned = HttpClient.newBuilder().sslContext(PinnedCertificate.context(sha)).build();
            assertEquals("ok", pinned.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());

            HttpClient other = HttpClient.newBuilder().sslContext(PinnedCertificate.context("00".repeat(32))).build();
            Exception e = assertThrows(java.io.IOException.class,
                    () -> other.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            StringBuilder causes = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                causes.append(t).append('\n');
            }
            assertTrue(causes.toString().contains("not the " + "00".repeat(32)), causes.toString());
        } finally {
            server.stop(0);
        }
    }
}
