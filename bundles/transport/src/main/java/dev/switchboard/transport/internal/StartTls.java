package dev.switchboard.transport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.mina.filter.ssl.SslFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS that a connection starts in mid-stream (XMPP's STARTTLS, RFC 6120 §5), with the certificate
 * of the HTTPS endpoint: {@code data/tls/https.p12}, which the tls bundle prepares before the
 * transport starts (from the operator's PEM files, or self-signed for development). TLS 1.3 and
 * 1.2 from the JDK.
 */
final class StartTls {

    private static final Logger LOG = LoggerFactory.getLogger(StartTls.class);
    /** The keystore's password: the tls bundle's, not a secret (data/ is the owner's only). */
    private static final char[] PASSWORD = "switchboard".toCharArray();
    static final String FILTER = "tls";

    private final SSLContext context;

    private StartTls(SSLContext context) {
        this.context = context;
    }

    /** The certificate in {@code dataDirectory/tls/https.p12}; without one, STARTTLS is not offered. */
    static StartTls load(Path dataDirectory) {
        Path keystore = dataDirectory.resolve("tls/https.p12");
        if (!Files.exists(keystore)) {
            LOG.warn("No {}: the XMPP listener cannot offer STARTTLS", keystore);
            return new StartTls(null);
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new StartTls(context);
        } catch (IOException | GeneralSecurityException e) {
            LOG.error("Cannot read {} ({}): the XMPP listener cannot offer STARTTLS", keystore, e.getMessage());
            return new StartTls(null);
        }
    }

    boolean available() {
        return context != null;
    }

    /**
     * Puts TLS under the connection: what is written from now on is encrypted, and the next bytes
     * read are the client's TLS handshake. The caller has handed everything before to MINA.
     */
    void start(Connection c) {
        SslFilter filter = new SslFilter(context);
        filter.setEnabledProtocols("TLSv1.3", "TLSv1.2");
        c.session.getFilterChain().addFirst(FILTER, filter);
    }

    static boolean active(Connection c) {
        return c.session.getFilterChain().contains(FILTER);
    }
}
