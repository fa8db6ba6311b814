package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Issue #5's presence over the wire, on the embedded H2: online while any device is, last seen when
 * the last one leaves (kept in SQL), subscriptions limited by the watched account's visibility,
 * typing relayed live and never stored, and the errors for bad requests. {@link PresenceMariaDbIT}
 * runs the same on MariaDB.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PresenceIT extends SwitchboardTestSupport {

    /** User ids of this run: fixed on a fresh H2, unique per run on a MariaDB that keeps earlier runs' rows. */
    protected String uid(int n) {
        return "1555710000" + n;
    }

    @Test
    public void onlineLastSeenAndVisibility() throws Exception {
        String watcher = uid(1), target = uid(2), contact = uid(3), stranger = uid(4);
        for (String u : List.of(watcher, target, contact, stranger)) {
            register(u);
        }
        service(AccountService.class).linkDevice(new Address(target, 1), password(target));
        try (SwitchboardClient w = login(watcher)) {
            assertEquals("no-such-user", code(() -> w.subscribePresence(uid(9))));
            assertEquals("bad-request", code(() -> w.subscribePresence("not-a-user")));
            w.subscribePresence(target);
            Node first = next(w, n -> n.tag().equals("presence"));
            assertEquals("unavailable", first.attr("type"));
            assertNull("never seen: no time", first.attr("last"));

            long beforeLogout;
            try (SwitchboardClient phone = login(target)) {
                assertEquals("available", next(w, n -> n.tag().equals("presence")).attr("type"));
                SwitchboardClient laptop = SwitchboardClient.connect("127.0.0.1", port);
                laptop.login(target, 1, password(target));
                laptop.close(); // the phone is still online: no change to announce
                beforeLogout = System.currentTimeMillis();
            }
            Node gone = next(w, n -> n.tag().equals("presence"));
            assertEquals("unavailable", gone.attr("type"));
            long last = Long.parseLong(gone.attr("last"));
            assertTrue(last >= beforeLogout);
            assertNull("exactly one change per transition", w.incoming().poll(500, TimeUnit.MILLISECONDS));

            // a later subscriber sees the stored last-seen time
            try (SwitchboardClient s = login(stranger)) {
                s.subscribePresence(target);
                assertEquals(String.valueOf(last), next(s, n -> n.tag().equals("presence")).attr("last"));
            }

            // visibility 'contacts': only the target's contacts see it
            try (SwitchboardClient t = login(target)) {
                assertEquals("available", next(w, n -> n.tag().equals("presence")).attr("type"));
                t.setPresenceVisibility("contacts");
                t.addContacts(List.of(contact));
                assertEquals(List.of(contact), t.contacts());
                assertEquals("bad-request", code(() -> t.setPresenceVisibility("friends")));
                assertEquals("bad-request", code(() -> t.addContacts(List.of("x"))));
            }
            assertNull("the watcher is no contact: it sees nothing", w.incoming().poll(500, TimeUnit.MILLISECONDS));
            try (SwitchboardClient c = login(contact); SwitchboardClient s = login(stranger)) {
                c.subscribePresence(target);
                s.subscribePresence(target);
                assertNotNull(next(c, n -> n.tag().equals("presence")).attr("last"));
                Node hidden = next(s, n -> n.tag().equals("presence"));
                assertEquals("unavailable", hidden.attr("type"));
                assertNull("a hidden account shows no time", hidden.attr("last"));
                try (SwitchboardClient t = login(target)) {
                    assertEquals("available", next(c, n -> n.tag().equals("presence")).attr("type"));
                    t.setPresenceVisibility("nobody");
                }
                assertNull("visibility 'nobody' hides it from contacts too", c.incoming().poll(500, TimeUnit.MILLISECONDS));
                assertNull(s.incoming().poll(100, TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    public void typingIsRelayedLiveAndNeverStored() throws Exception {
        String a = uid(5), b = uid(6);
        register(a);
        register(b);
        service(AccountService.class).linkDevice(new Address(b, 1), password(b));
        try (SwitchboardClient alice = login(a)) {
            try (SwitchboardClient phone = login(b); SwitchboardClient laptop = SwitchboardClient.connect("127.0.0.1", port)) {
                laptop.login(b, 1, password(b));
                alice.chatState(b, "composing");
                for (SwitchboardClient device : List.of(phone, laptop)) {
                    Node typing = next(device, n -> n.tag().equals("chatstate"));
                    assertEquals(a + "/0", typing.attr("from"));
                    assertEquals("composing", typing.attr("state"));
                }
                alice.chatState(b, "recording");
                assertEquals("recording", next(phone, n -> n.tag().equals("chatstate")).attr("state"));
            }
            alice.chatState(b, "composing"); // b is offline now: dropped, not stored
            alice.chatState(b, "shouting");
            Node error = next(alice, n -> n.tag().equals("error"));
            assertEquals("bad-request", error.attr("code"));
            assertTrue("one bad stanza does not close the connection", alice.isOpen());
            OfflineStore store = service(OfflineStore.class);
            assertEquals(0, store.depth(new Address(b, 0)));
            try (SwitchboardClient phone = login(b)) {
                assertNull("typing is never stored", phone.incoming().poll(500, TimeUnit.MILLISECONDS));
            }
        }
    }

    /** The next received stanza matching (others are skipped), waiting up to 10 s. */
    private static Node next(SwitchboardClient client, Predicate<Node> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Node n = client.incoming().poll(100, TimeUnit.MILLISECONDS);
            if (n != null && match.test(n)) {
                return n;
            }
        }
        throw new AssertionError("nothing matching arrived within 10 s");
    }
}
