package dev.switchboard.itest;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.impl.JidCreate;

/** Smack (igniterealtime's XMPP library) connected to a runtime's XMPP listener, as an XMPP user's app would be. */
final class SmackClients {

    private SmackClients() {
    }

    /** A logged-in Smack connection (STARTTLS required, PLAIN under TLS, the server's certificate pinned). */
    static XMPPTCPConnection login(RuntimeProcess server, String user, String password) throws Exception {
        XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain("localhost")
                .setHost("127.0.0.1")
                .setPort(server.xmppPort)
                .setUsernameAndPassword(user, password)
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(pinned(server.home.resolve("data/tls/https.p12")))
                .build();
        org.jivesoftware.smack.SmackConfiguration.DEBUG = Boolean.getBoolean("sb.smack.debug");
        XMPPTCPConnection c = new XMPPTCPConnection(config);
        c.setReplyTimeout(15_000);
        c.connect().login();
        return c;
    }

    /** The server's certificate as a PEM file in its home, for a client that trusts exactly it. */
    static Path certificatePem(RuntimeProcess server) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server.home.resolve("data/tls/https.p12"))) {
            ks.load(in, "switchboard".toCharArray());
        }
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ks.getCertificate("https").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Path file = server.home.resolve("server-certificate.pem");
        Files.writeString(file, pem);
        return file;
    }

    /** A PKCS12 trust store (password {@code switchboard}) holding only the server's certificate. */
    static Path trustStore(RuntimeProcess server) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server.home.resolve("data/tls/https.p12"))) {
            ks.load(in, "switchboard".toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", ks.getCertificate("https"));
        Path file = server.home.resolve("trust.p12");
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            trusted.store(out, "switchboard".toCharArray());
        }
        return file;
    }

    /** Trusts exactly the certificate the server serves (its development certificate is self-signed). */
    private static X509TrustManager pinned(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "switchboard".toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", ks.getCertificate("https"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    /** Every chat message the connection receives, in arrival order. */
    static BlockingQueue<Message> inbox(XMPPTCPConnection c) {
        BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        c.addSyncStanzaListener(s -> {
            Message m = (Message) s;
            if (m.getBody() != null) {
                inbox.add(m);
            }
        }, StanzaTypeFilter.MESSAGE);
        return inbox;
    }

    static void send(XMPPTCPConnection c, String to, String body) throws Exception {
        Message m = c.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat)
                .setBody(body).build();
        c.sendStanza(m);
    }

    static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::getBody).toList();
    }
}
