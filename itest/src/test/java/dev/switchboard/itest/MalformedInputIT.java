package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A malformed frame, and separately a frame over the size limit, close only the offending
 * connection with an error stanza; the other clients keep chatting.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MalformedInputIT extends SwitchboardTestSupport {

    private static final String ALICE = "15550000101";
    private static final String BOB = "15550000102";
    private static final String MALLORY = "15550000103";

    private void registerAll() throws Exception {
        for (String u : new String[] {ALICE, BOB, MALLORY}) {
            try {
                register(u);
            } catch (dev.switchboard.api.auth.AccountException e) {
                assertEquals(dev.switchboard.api.auth.AccountException.Reason.DUPLICATE, e.reason());
            }
        }
    }

    @Test
    public void malformedFrameClosesOnlyItsConnection() throws Exception {
        registerAll();
        try (SwitchboardClient alice = login(ALICE); SwitchboardClient bob = login(BOB);
             SwitchboardClient mallory = login(MALLORY)) {
            chat(alice, bob, "before");
            // frame of 3 bytes: a node header, then 0xE5, which is no token of dictionary 1
            mallory.writeRaw(new byte[] {3, 0x00, (byte) 0xE5, 0x01});
            Node error = mallory.closed().get(10, TimeUnit.SECONDS);
            assertEquals("error", error.tag());
            assertEquals("unknown-token", error.attr("code"));
            chat(alice, bob, "after");
            chat(bob, alice, "reply");
            assertTrue(alice.isOpen() && bob.isOpen());
        }
    }

    @Test
    public void oversizedFrameClosesOnlyItsConnection() throws Exception {
        registerAll();
        try (SwitchboardClient alice = login(ALICE); SwitchboardClient bob = login(BOB);
             SwitchboardClient mallory = login(MALLORY)) {
            assertEquals("the server told its limit at login", 1 << 20, mallory.maxFrame());
            java.util.concurrent.ExecutionException refused = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> mallory.send(BOB, "huge", new byte[(1 << 20) + 1]).get(5, TimeUnit.SECONDS));
            assertEquals("the SDK refuses it before sending", "too-large",
                    ((dev.switchboard.client.ClientException) refused.getCause()).code());
            assertTrue(mallory.isOpen());
            try { // a client that sends it anyway
                mallory.write(Node.withContent("message", new byte[(1 << 20) + 1], "to", BOB, "id", "huge"));
            } catch (java.io.IOException expected) {
                // the server may close before the client has written the whole frame
            }
            Node error = mallory.closed().get(10, TimeUnit.SECONDS);
            assertEquals("frame-too-large", error.attr("code"));
            chat(alice, bob, "after-huge");
            assertTrue(alice.isOpen() && bob.isOpen());
            assertTrue("nothing of the oversized frame reached bob",
                    bob.incoming().stream().noneMatch(n -> "huge".equals(n.attr("id"))));
        }
    }

    /**
     * Issue #13's client-triggered faults: each gets a clear error and costs its sender nothing
     * else; a read receipt for a message the reader never received is not relayed.
     */
    @Test
    public void badRequestsGetAnErrorAndKeepTheConnection() throws Exception {
        registerAll();
        try (SwitchboardClient alice = login(ALICE); SwitchboardClient bob = login(BOB);
             SwitchboardClient mallory = login(MALLORY)) {
            mallory.write(Node.of("chatstate", "to", BOB));
            Node error = expect(mallory, n -> "error".equals(n.tag()));
            assertEquals("bad-request", error.attr("code"));
            mallory.write(Node.of("group", "type", "create", "subject", "no id", "members", BOB));
            error = expect(mallory, n -> "error".equals(n.tag()));
            assertEquals("bad-request", error.attr("code"));
            assertTrue(error.attr("text"), error.attr("text").contains("needs an id"));
            mallory.write(Node.of("receipt", "type", "read", "to", ALICE + "/0", "id", "never-sent"));
            error = expect(mallory, n -> "error".equals(n.tag()));
            assertTrue(error.attr("text"), error.attr("text").contains("was delivered to this device"));
            chat(mallory, bob, "still-connected");
            chat(alice, bob, "alice-to-bob");
            assertTrue(mallory.isOpen());
            java.util.concurrent.CompletableFuture<Node> readReceipt = new java.util.concurrent.CompletableFuture<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < deadline) { // a negative check: nothing may arrive in 2 s
                Node n = alice.incoming().poll(100, TimeUnit.MILLISECONDS);
                if (n != null && "receipt".equals(n.tag()) && "never-sent".equals(n.attr("id"))) {
                    readReceipt.complete(n);
                }
            }
            assertFalse("the forged read receipt reached alice", readReceipt.isDone());
            bob.markRead(ALICE + "/0", "alice-to-bob");
            Node read = expect(alice, n -> "receipt".equals(n.tag()) && "read".equals(n.attr("type")));
            assertEquals("a real read receipt still travels", "alice-to-bob", read.attr("id"));
        }
    }

    @Test
    public void everyFailedLoginClosesItsConnection() throws Exception {
        String target = "15550000104"; // its own account: the guesses throttle it from this address
        try {
            register(target);
        } catch (dev.switchboard.api.auth.AccountException e) {
            assertEquals(dev.switchboard.api.auth.AccountException.Reason.DUPLICATE, e.reason());
        }
        for (int i = 0; i < 8; i++) {
            SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", port);
            try {
                dev.switchboard.client.ClientException e = assertThrows(dev.switchboard.client.ClientException.class,
                        () -> c.login(target, 0, "not-the-password"));
                assertTrue(e.code(), e.code().equals("not-authorized") || e.code().equals("throttled"));
                c.closed().get(10, TimeUnit.SECONDS);
                assertFalse("failed login " + i + " left the connection open", c.isOpen());
            } finally {
                c.close();
            }
        }
    }

    private static void chat(SwitchboardClient from, SwitchboardClient to, String id) throws Exception {
        Node ack = from.send(userOf(to), id, id.getBytes()).get(10, TimeUnit.SECONDS);
        assertNull(ack.attr("error"));
        Node m;
        do {
            m = to.incoming().poll(10, TimeUnit.SECONDS); // skip receipts for earlier messages
        } while (m != null && !"message".equals(m.tag()));
        assertNotNull("message " + id + " arrived", m);
        assertEquals(id, m.attr("id"));
    }

    private static String userOf(SwitchboardClient c) {
        return c.user();
    }
}
