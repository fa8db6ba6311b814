package dev.switchboard.itest;

import static org.junit.Assert.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.After;
import org.junit.Test;

/**
 * STARTTLS under load with stream management on (Openfire saw MINA's SslFilter deadlock with it):
 * Smack clients in pairs, every connection over TLS with XEP-0198 acknowledgements flowing, send
 * to their partners flat out; every message arrives exactly once, no connection drops, and the
 * listener still takes a new login afterwards. Bounded: a fixed count of messages, 90 s at most.
 */
public class XmppTlsLoadIT {

    private static final int PAIRS = 12;
    private static final int MESSAGES = 1_000;

    private RuntimeProcess server;
    private final List<XMPPTCPConnection> connections = new ArrayList<>();

    @After
    public void stop() throws Exception {
        for (XMPPTCPConnection c : connections) {
            c.disconnect();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void tlsWithStreamManagementCarriesAFlatOutLoadWithoutStalling() throws Exception {
        server = new RuntimeProcess("XmppTlsLoadIT");
        String[] users = new String[PAIRS * 4];
        for (int i = 0; i < PAIRS * 2; i++) {
            users[2 * i] = "155500009" + String.format("%02d", i);
            users[2 * i + 1] = "tls-load-" + i;
        }
        server.addUsers(users);
        List<BlockingQueue<Message>> inboxes = new ArrayList<>();
        for (int i = 0; i < PAIRS * 2; i++) {
            XMPPTCPConnection c = SmackClients.login(server, users[2 * i], users[2 * i + 1]);
            assertTrue("TLS on " + users[2 * i], c.isSecureConnection());
            assertTrue("stream management on " + users[2 * i], c.isSmEnabled());
            connections.add(c);
            inboxes.add(SmackClients.inbox(c));
        }
        List<Thread> senders = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < PAIRS * 2; i++) {
            XMPPTCPConnection from = connections.get(i);
            String to = users[2 * (i ^ 1)] + "@localhost"; // 0 <-> 1, 2 <-> 3, ...
            Thread t = new Thread(() -> {
                try {
                    for (int n = 0; n < MESSAGES; n++) {
                        SmackClients.send(from, to, from.getUser().getLocalpart() + " " + n);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "sender-" + i);
            t.start();
            senders.add(t);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (Thread t : senders) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertFalse("a sender is stuck: " + t.getName(), t.isAlive());
        }
        assertEquals("send failures", List.of(), failures);
        for (int i = 0; i < PAIRS * 2; i++) {
            String partner = users[2 * (i ^ 1)];
            Set<String> seen = new HashSet<>();
            while (seen.size() < MESSAGES) {
                long left = deadline - System.nanoTime();
                Message m = inboxes.get(i).poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                assertNotNull(users[2 * i] + " got " + seen.size() + " of " + MESSAGES + " within 90 s", m);
                assertTrue("from its partner only", m.getBody().startsWith(partner + " "));
                assertTrue("exactly once: " + m.getBody(), seen.add(m.getBody()));
            }
        }
        for (XMPPTCPConnection c : connections) {
            assertTrue("still connected: " + c.getUser(), c.isConnected() && c.isAuthenticated());
        }
        connections.get(0).disconnect();
        XMPPTCPConnection late = SmackClients.login(server, users[0], users[1]);
        connections.add(late);
        assertTrue("a new TLS login after the load", late.isAuthenticated());
    }
}
