package dev.switchboard.itest;

import dev.switchboard.api.stanza.Node;

import static org.junit.Assert.*;

import dev.switchboard.client.SwitchboardClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Issue #4's durability test on the exported runtime: 10,000 messages to an offline user, every
 * ack received, then {@code kill -9}; after a restart the user receives all of them exactly once
 * and in order, and once confirmed they are deleted (still gone after a restart). And the same
 * under load (issue #14): {@code kill -9} while eight senders are sending flat out, so the
 * journal's group commits are cut in the middle; every acknowledged message arrives exactly once.
 */
public class OfflineDurabilityIT {

    private static final String SENDER = "15550000301";
    private static final String RECIPIENT = "15550000302";
    private static final int COUNT = 10_000;

    private RuntimeProcess server;

    @Before
    public void start() throws Exception {
        server = new RuntimeProcess("OfflineDurabilityIT");
        server.addUsers(SENDER, "sender-password", RECIPIENT, "recipient-password");
    }

    @After
    public void stop() throws Exception {
        if (server != null) { // null when it did not start; its own failure says why
            server.close();
        }
    }

    private SwitchboardClient connect() throws Exception {
        return SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", server.port), null);
    }

    @Test
    public void acknowledgedMessagesSurviveKillNineAndArriveOnceInOrder() throws Exception {
        AtomicLong acked = new AtomicLong();
        try (SwitchboardClient sender = connect()) {
            sender.login(SENDER, 0, "sender-password");
            Chatter chatter = new Chatter(sender, RECIPIENT, 64, COUNT, 120_000, acked);
            Thread t = new Thread(chatter, "sender");
            t.start();
            t.join(120_000);
            assertTrue("every message acknowledged", chatter.awaitAllAcked(60_000));
            assertEquals(List.of(), chatter.ackErrors);
            assertEquals(COUNT, chatter.acked.size());
        }
        assertEquals(RECIPIENT + "/0 " + COUNT, queueDepth());

        server.kill();
        server.start();
        assertEquals("all queued messages survived kill -9", RECIPIENT + "/0 " + COUNT, queueDepth());

        try (SwitchboardClient recipient = connect()) {
            recipient.login(RECIPIENT, 0, "recipient-password");
            List<Long> ids = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (ids.size() < COUNT && System.nanoTime() < deadline) {
                ids.addAll(Chatter.receivedFrom(recipient, SENDER));
                Thread.onSpinWait();
            }
            assertEquals(COUNT, ids.size());
            for (int i = 0; i < COUNT; i++) {
                assertEquals("message " + (i + 1) + " exactly once, in order", i + 1L, (long) ids.get(i));
            }
            SwitchboardTestSupport.await("confirmed messages to be deleted", Duration.ofSeconds(60),
                    () -> queueDepth().equals(RECIPIENT + "/0 0"));
        }
        server.close(); // an orderly stop this time: the last deletes are committed
        server.start();
        assertEquals("deleted for good, not only in memory", RECIPIENT + "/0 0", queueDepth());
    }

    @Test
    public void killNineUnderLoadLosesNoAcknowledgedMessage() throws Exception {
        int pairs = 8;
        String[] users = new String[pairs * 4];
        for (int i = 0; i < pairs; i++) {
            users[4 * i] = "155500004" + (10 + i);
            users[4 * i + 1] = "sender-password";
            users[4 * i + 2] = "155500005" + (10 + i);
            users[4 * i + 3] = "recipient-password";
        }
        server.addUsers(users);
        AtomicLong acked = new AtomicLong();
        List<Chatter> chatters = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<SwitchboardClient> clients = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            SwitchboardClient sender = connect();
            sender.login(users[4 * i], 0, "sender-password");
            clients.add(sender);
            Chatter chatter = new Chatter(sender, users[4 * i + 2], 64, 1_000_000, 60_000, acked);
            chatters.add(chatter);
            Thread t = new Thread(chatter, "sender-" + i);
            threads.add(t);
            t.start();
        }
        SwitchboardTestSupport.await("20,000 acknowledged messages", Duration.ofSeconds(60), () -> acked.get() >= 20_000);
        server.kill(); // while every sender is still sending
        for (Thread t : threads) {
            t.join(30_000);
        }
        clients.forEach(SwitchboardClient::close);
        long ackedAtKill = acked.get();
        server.start();

        for (int i = 0; i < pairs; i++) {
            Chatter chatter = chatters.get(i);
            java.util.Set<Long> wanted = new java.util.TreeSet<>(chatter.acked);
            try (SwitchboardClient recipient = connect()) {
                recipient.login(users[4 * i + 2], 0, "recipient-password");
                List<Long> ids = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                long quietSince = System.nanoTime();
                while (System.nanoTime() < deadline && (ids.size() < wanted.size()
                        || System.nanoTime() - quietSince < Duration.ofSeconds(2).toNanos())) {
                    // wait for the next stanza (at most 100 ms), then take whatever else has arrived
                    Node next = recipient.incoming().poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    List<Long> more = new ArrayList<>();
                    if (next != null && "message".equals(next.tag()) && next.attr("from").startsWith(users[4 * i] + "/")) {
                        more.add(Long.parseLong(next.attr("id")));
                    }
                    more.addAll(Chatter.receivedFrom(recipient, users[4 * i]));
                    if (!more.isEmpty()) {
                        ids.addAll(more);
                        quietSince = System.nanoTime();
                    }
                }
                java.util.Set<Long> distinct = new java.util.HashSet<>(ids);
                assertEquals("pair " + i + ": no message twice", ids.size(), distinct.size());
                for (int k = 1; k < ids.size(); k++) {
                    assertTrue("pair " + i + ": in order", ids.get(k) > ids.get(k - 1));
                }
                wanted.removeAll(distinct);
                assertEquals("pair " + i + ": acknowledged before kill -9 but never delivered (" + ackedAtKill
                        + " acknowledged in all)", java.util.Set.of(), wanted);
            }
        }
    }

    private String queueDepth() {
        try {
            return ManagementShell.run(server.socket(), "sb:queue " + RECIPIENT + "/0").trim();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
