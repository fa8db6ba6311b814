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
