package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Smack against the exported runtime's XMPP listener: STARTTLS (the HTTPS certificate), PLAIN under
 * TLS, stream management, a chat with an SDK user both ways, and protocol.xmpp updated ten times under XMPP traffic
 * with no connection dropped and no message lost.
 */
public class XmppSmackIT {

    private static final String ALICE = "15550000401";
    private static final String BOB = "15550000402";
    private static final String CAROL = "15550000403";

    private RuntimeProcess server;

    @Before
    public void start() throws Exception {
        server = new RuntimeProcess("XmppSmackIT");
        server.addUsers(ALICE, "alice-password", BOB, "bob-password", CAROL, "carol-password");
    }

    @After
    public void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * RFC 6121 across a kill -9: a subscription request to an offline account waits in the store,
     * reaches the account at its next login after the restart, and its approval puts each into the
     * other's roster with the name and group alice gave, and shows carol's status to alice.
     */
    @Test
    public void aSubscriptionRequestWaitsForItsAccountAcrossAKill() throws Exception {
        org.jxmpp.jid.BareJid carolJid = org.jxmpp.jid.impl.JidCreate.bareFrom(CAROL + "@localhost");
        org.jxmpp.jid.BareJid aliceJid = org.jxmpp.jid.impl.JidCreate.bareFrom(ALICE + "@localhost");
        XMPPTCPConnection alice = SmackClients.login(server, ALICE, "alice-password");
        Roster aliceRoster = Roster.getInstanceFor(alice);
        aliceRoster.createItemAndRequestSubscription(carolJid, "Carol", new String[] {"Work"});
        waitFor(aliceRoster, "alice's roster shows the request pending", () -> {
            RosterEntry e = aliceRoster.getEntry(carolJid);
            return e != null && e.isSubscriptionPending();
        });
        alice.disconnect();

        server.kill();
        server.start();
        Roster.SubscriptionMode before = Roster.getDefaultSubscriptionMode();
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.accept_all); // carol approves what waited for her
        XMPPTCPConnection carol;
        try {
            carol = SmackClients.login(server, CAROL, "carol-password");
        } finally {
            Roster.setDefaultSubscriptionMode(before);
        }
        try {
            Roster carolRoster = Roster.getInstanceFor(carol);
            waitFor(carolRoster, "carol's roster has alice, who may see her", () -> {
                RosterEntry e = carolRoster.getEntry(aliceJid);
                return e != null && e.canSeeMyPresence();
            });
            carol.sendStanza(carol.getStanzaFactory().buildPresenceStanza().setStatus("in a meeting").build());

            XMPPTCPConnection again = SmackClients.login(server, ALICE, "alice-password");
            try {
                Roster roster = Roster.getInstanceFor(again);
                waitFor(roster, "alice sees carol's status", () -> {
                    Presence p = roster.getPresence(carolJid);
                    return p.isAvailable() && "in a meeting".equals(p.getStatus());
                });
                RosterEntry entry = roster.getEntry(carolJid);
                assertEquals("Carol", entry.getName());
                assertEquals("to", entry.getType().name());
                assertFalse(entry.isSubscriptionPending());
                assertEquals(List.of("Work"), entry.getGroups().stream().map(g -> g.getName()).toList());
            } finally {
                again.disconnect();
            }
        } finally {
            carol.disconnect();
        }
    }

    /** Waits, up to 15 s, for a condition on a roster, checked again at each of its roster and presence events. */
    private static void waitFor(Roster roster, String what, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        Object changed = new Object();
        org.jivesoftware.smack.roster.RosterListener wake = new org.jivesoftware.smack.roster.RosterListener() {
            private void wake() {
                synchronized (changed) {
                    changed.notifyAll();
                }
            }

            @Override
            public void entriesAdded(java.util.Collection<org.jxmpp.jid.Jid> addresses) {
                wake();
            }

            @Override
            public void entriesUpdated(java.util.Collection<org.jxmpp.jid.Jid> addresses) {
                wake();
            }

            @Override
            public void entriesDeleted(java.util.Collection<org.jxmpp.jid.Jid> addresses) {
                wake();
            }

            @Override
            public void presenceChanged(Presence presence) {
                wake();
            }
        };
        roster.addRosterListener(wake);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            synchronized (changed) {
                while (!condition.getAsBoolean()) {
                    long left = deadline - System.nanoTime();
                    assertTrue(what + " within 15 s", left > 0);
                    TimeUnit.NANOSECONDS.timedWait(changed, left);
                }
            }
        } finally {
            roster.removeRosterListener(wake);
        }
    }

    @Test
    public void smackOverStartTlsChatsWithAnSdkUser() throws Exception {
        XMPPTCPConnection alice = SmackClients.login(server, ALICE, "alice-password");
        try (SwitchboardClient bob = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", server.port), null)) {
            assertTrue("TLS is on", alice.isSecureConnection());
            assertEquals(ALICE + "@localhost/0", alice.getUser().toString());
            assertTrue("stream management (XEP-0198) is on: Smack's acknowledgements confirm what it got", alice.isSmEnabled());
            BlockingQueue<Message> inbox = SmackClients.inbox(alice);
            bob.login(BOB, 0, "bob-password");
            Node ack = bob.send(ALICE, "b1", "hello smack".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            assertNull(ack.attr("error"));
            Message got = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull("Smack received the SDK user's message", got);
            assertEquals("hello smack", got.getBody());
            assertEquals(BOB + "@localhost/0", got.getFrom().toString());

            SmackClients.send(alice, BOB + "@localhost", "hello sdk");
            boolean message = false;
            boolean receipt = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((!message || !receipt) && System.nanoTime() < deadline) {
                Node n = bob.incoming().poll(500, TimeUnit.MILLISECONDS);
                if (n != null && "message".equals(n.tag())) {
                    assertEquals("hello sdk", new String(n.content(), StandardCharsets.UTF_8));
                    message = true;
                }
                receipt |= n != null && "receipt".equals(n.tag()) && "b1".equals(n.attr("id"));
            }
            assertTrue("the SDK user received the Smack user's message", message);
            assertTrue("the SDK user got the delivered receipt", receipt);
        } finally {
            alice.disconnect();
        }
    }

    /**
     * XEP-0198 resumption: Smack's connection drops without a word in the middle of a stream of
     * messages, more arrive for it while it is away, and it resumes: every message exactly once and
     * in order, those it had handled before the drop not again, without binding anew.
     */
    @Test
    public void aDroppedSmackStreamResumesWithEveryMessageExactlyOnce() throws Exception {
        XMPPTCPConnection alice = SmackClients.login(server, ALICE, "alice-password");
        try (SwitchboardClient bob = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", server.port), null)) {
            assertTrue("the server offered resumption", alice.isSmResumptionPossible());
            BlockingQueue<Message> inbox = SmackClients.inbox(alice);
            bob.login(BOB, 0, "bob-password");
            List<Message> got = new ArrayList<>();
            int total = 300;
            for (int i = 1; i <= total; i++) {
                Node ack = bob.send(ALICE, "r" + i, ("r" + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
                assertNull(ack.attr("error"));
                if (i == 100) {
                    SwitchboardTestSupport.await("Smack has some of the messages", java.time.Duration.ofSeconds(10),
                            () -> inbox.size() >= 50);
                    alice.instantShutdown(); // the socket closes, no </stream>: as when a phone loses its network
                }
            }
            inbox.drainTo(got);
            alice.connect().login();
            assertTrue("the stream was resumed, not started anew", alice.streamWasResumed());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.size() < total && System.nanoTime() < deadline) {
                Message m = inbox.poll(500, TimeUnit.MILLISECONDS);
                if (m != null) {
                    got.add(m);
                }
            }
            Message extra = inbox.poll(1, TimeUnit.SECONDS);
            if (extra != null) {
                got.add(extra);
            }
            assertExactlyOnceInOrder("r", SmackClients.bodies(got), total);
            SmackClients.send(alice, BOB + "@localhost", "after resuming");
            SwitchboardTestSupport.await("the resumed stream carries alice's messages", java.time.Duration.ofSeconds(10), () -> {
                Node n = bob.incoming().poll();
                return n != null && "message".equals(n.tag()) && "after resuming".equals(new String(n.content(), StandardCharsets.UTF_8));
            });
        } finally {
            alice.disconnect();
        }
    }

    @Test
    public void protocolXmppUpdatedTenTimesUnderXmppTrafficDropsAndLosesNothing() throws Exception {
        XMPPTCPConnection alice = SmackClients.login(server, ALICE, "alice-password");
        XMPPTCPConnection carol = SmackClients.login(server, CAROL, "carol-password");
        BlockingQueue<Message> carolInbox = SmackClients.inbox(carol);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        Thread sender = new Thread(() -> {
            try {
                while (!stop.get() && sent.get() < 200_000) {
                    SmackClients.send(alice, CAROL + "@localhost", "n" + (sent.get() + 1));
                    sent.incrementAndGet();
                    TimeUnit.MILLISECONDS.sleep(2); // a steady stream, about 400 messages a second
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        }, "smack-sender");
        sender.start();
        try {
            Path jar = SwitchboardTestSupport.jar("bundles/protocol.xmpp", "protocol.xmpp");
            for (int i = 1; i <= 10; i++) {
                int before = sent.get();
                SwitchboardTestSupport.await("traffic before update " + i, java.time.Duration.ofSeconds(30),
                        () -> sent.get() >= before + 100);
                Path staged = server.home.resolve("protocol.xmpp-" + i + ".jar");
                Files.write(staged, SwitchboardTestSupport.withVersion(jar, "0.1.0.swap" + i));
                String out = ManagementShell.run(server.socket(), "sb:update dev.switchboard.protocol.xmpp " + staged);
                assertTrue(out, out.contains("updated dev.switchboard.protocol.xmpp"));
            }
            int before = sent.get();
            SwitchboardTestSupport.await("traffic after the last update", java.time.Duration.ofSeconds(30),
                    () -> sent.get() >= before + 100);
        } finally {
            stop.set(true);
            sender.join(30_000);
        }
        assertEquals("the sender never failed", List.of(), failures);
        List<Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.size() < sent.get() && System.nanoTime() < deadline) {
            Message m = carolInbox.poll(500, TimeUnit.MILLISECONDS);
            if (m != null) {
                got.add(m);
            }
        }
        assertExactlyOnceInOrder("n", SmackClients.bodies(got), sent.get());
        System.out.println("XmppSmackIT: " + sent.get() + " messages, in order and once each, through ten updates of protocol.xmpp");
        assertTrue("alice stayed connected", alice.isConnected());
        assertTrue("carol stayed connected", carol.isConnected());
        String status = ManagementShell.run(server.socket(), "sb:status");
        assertTrue(status, status.contains("0.1.0.swap10"));
        alice.disconnect();
        carol.disconnect();
    }

    /** Bodies {@code prefix1} to {@code prefix<total>}, each exactly once and in order. */
    private static void assertExactlyOnceInOrder(String prefix, List<String> bodies, int total) {
        for (int i = 0; i < bodies.size(); i++) {
            if (!bodies.get(i).equals(prefix + (i + 1))) {
                fail("message " + (i + 1) + " exactly once and in order; around it: "
                        + bodies.subList(Math.max(0, i - 3), Math.min(bodies.size(), i + 4)));
            }
        }
        assertEquals("every message sent arrived once", total, bodies.size());
    }
}
