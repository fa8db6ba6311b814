package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * A third-party XMPP client, Debian's python3-slixmpp, chats with a user of Switchboard's own SDK
 * on the exported runtime, over STARTTLS with the server's certificate pinned: both ways, an offline message delivered (with its XEP-0203 delay) after
 * the XMPP user's login, the SDK user's delivered receipt, and bad XML closing only its own
 * connection with a stream error.
 */
public class XmppClientIT {

    private static final String SDK_USER = "15550000301";
    private static final String XMPP_USER = "15550000302";
    private static final Path CLIENT = Path.of("src/test/resources/xmpp/slixmpp_client.py").toAbsolutePath();

    private RuntimeProcess server;

    @Before
    public void start() throws Exception {
        boolean slixmpp = new ProcessBuilder("/usr/bin/python3", "-c", "import slixmpp").start().waitFor() == 0;
        if (!slixmpp) {
            String why = "python3-slixmpp is not installed (apt-get install python3-slixmpp; .ci/run installs it)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            System.err.println("SKIPPING XmppClientIT: " + why);
            Assume.assumeTrue(why, false);
        }
        server = new RuntimeProcess("XmppClientIT");
        server.addUsers(SDK_USER, "sdk-password", XMPP_USER, "xmpp-password");
    }

    @After
    public void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void slixmppChatsWithAnSdkUserBothWaysIncludingOffline() throws Exception {
        try (SwitchboardClient sdk = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", server.port), null)) {
            sdk.login(SDK_USER, 0, "sdk-password");
            Node ack = sdk.send(XMPP_USER, "while-away-1", "sent while you were away".getBytes(StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS);
            assertNull("stored for the offline XMPP user: " + ack, ack.attr("error"));

            List<String> out = slixmpp(XMPP_USER + "@localhost", "xmpp-password", 1, 10,
                    SDK_USER + "@localhost", "hello from slixmpp");
            assertTrue(out.toString(), out.contains("SESSION " + XMPP_USER + "@localhost/0"));
            assertTrue("the offline message, with its delay stamp: " + out,
                    out.contains("MESSAGE " + SDK_USER + "@localhost/0 sent while you were away DELAY"));

            boolean gotMessage = false;
            boolean gotReceipt = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while ((!gotMessage || !gotReceipt) && System.nanoTime() < deadline) {
                Node n = sdk.incoming().poll(500, TimeUnit.MILLISECONDS);
                if (n == null) {
                    continue;
                }
                if ("message".equals(n.tag()) && (XMPP_USER + "/0").equals(n.attr("from"))) {
                    assertEquals("hello from slixmpp", new String(n.content(), StandardCharsets.UTF_8));
                    gotMessage = true;
                }
                if ("receipt".equals(n.tag()) && "delivered".equals(n.attr("type")) && "while-away-1".equals(n.attr("id"))) {
                    gotReceipt = true;
                }
            }
            assertTrue("the SDK user received the XMPP user's message", gotMessage);
            assertTrue("the SDK user got the delivered receipt for its offline message", gotReceipt);
        }
    }

    /** XEP-0280: what the account's SDK device sends shows up, as a carbon, on its XMPP device that asked for them. */
    @Test
    public void slixmppSeesWhatItsAccountsOtherDeviceSent() throws Exception {
        try (SwitchboardClient primary = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", server.port), null)) {
            primary.login(XMPP_USER, 0, "xmpp-password");
            primary.linkDevice(1, "xmpp-password");
        }
        java.util.concurrent.CompletableFuture<List<String>> xmpp = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return slixmpp(List.of("--carbons"), XMPP_USER + "@localhost", "xmpp-password", 1, 15);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        try (SwitchboardClient laptop = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", server.port), null)) {
            laptop.login(XMPP_USER, 1, "xmpp-password");
            for (int i = 0; i < 30 && !xmpp.isDone(); i++) { // until slixmpp has carbons on and saw one
                laptop.send(SDK_USER, "from-laptop-" + i, "sent from the laptop".getBytes(StandardCharsets.UTF_8))
                        .get(10, TimeUnit.SECONDS);
                try {
                    xmpp.get(500, TimeUnit.MILLISECONDS); // slixmpp leaves once it has its copy
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // not on yet when this one went: send another
                }
            }
        }
        List<String> out = xmpp.get(40, TimeUnit.SECONDS);
        assertTrue(out.toString(), out.contains("CARBON-SENT " + XMPP_USER + "@localhost/1 " + SDK_USER
                + "@localhost sent from the laptop"));
    }

    @Test
    public void badXmlClosesOnlyItsOwnConnectionWithAStreamError() throws Exception {
        String header = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
        try (Socket bystander = xmpp(); Socket bad = xmpp()) {
            send(bystander, header);
            assertTrue(readUntil(bystander, "</stream:features>").contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"));
            for (String input : new String[] {"<!DOCTYPE x [<!ENTITY a 'b'>]>", "<message><body>&a;</body></message>",
                    "<message to='x'>" + "y".repeat(300_000) + "</message>"}) {
                try (Socket s = xmpp()) {
                    send(s, header + input);
                    String answer = readUntil(s, "</stream:stream>");
                    assertTrue(input.substring(0, 20) + ": " + answer, answer.contains("<stream:error>"));
                    assertEquals("then closed", -1, s.getInputStream().read());
                }
            }
            send(bad, header + "<a>\u00ff</a>".replace('\u00ff', '\u0000'));
            assertTrue(readUntil(bad, "</stream:stream>").contains("<stream:error>"));
            send(bystander, " "); // the bystander's stream is still open and answers
            send(bystander, "<iq type='get' id='x'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
            assertTrue("unauthenticated iq on the bystander: a stream error for it alone",
                    readUntil(bystander, "</stream:stream>").contains("not-authorized"));
        }
    }

    private Socket xmpp() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.xmppPort), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readUntil(Socket s, String end) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buf = new byte[4096];
        while (!text.toString().contains(end)) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    /** Runs the slixmpp client to its end; its printed lines. */
    private List<String> slixmpp(String jid, String password, int expect, int seconds, String... sendToAndBody)
            throws Exception {
        return slixmpp(List.of(), jid, password, expect, seconds, sendToAndBody);
    }

    private List<String> slixmpp(List<String> flags, String jid, String password, int expect, int seconds,
                                 String... sendToAndBody) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", CLIENT.toString(), "--jid", jid, "--password",
                password, "--port", String.valueOf(server.xmppPort), "--expect", String.valueOf(expect),
                "--seconds", String.valueOf(seconds)));
        for (int i = 0; i + 1 < sendToAndBody.length; i += 2) {
            command.addAll(List.of("--send", sendToAndBody[i], sendToAndBody[i + 1]));
        }
        command.addAll(List.of("--ca", SmackClients.certificatePem(server).toString()));
        command.addAll(flags);
        Path log = Files.createTempFile(server.home, "slixmpp-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(seconds + 20L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("slixmpp did not finish: " + Files.readString(log));
        }
        List<String> lines = Files.readAllLines(log);
        assertEquals("slixmpp exit status; output " + lines, 0, p.exitValue());
        return lines;
    }
}
