package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Issue #5's groups over the wire, on the embedded H2: who may do what, the errors for everything
 * else, and notifications to members (stored for the offline ones). {@link GroupsMariaDbIT} runs
 * the same on MariaDB; {@link GroupFanoutIT} sends to a full group.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GroupsIT extends SwitchboardTestSupport {

    /** User ids of this run: fixed on a fresh H2, unique per run on a MariaDB that keeps earlier runs' rows. */
    protected String uid(int n) {
        return "1555800000" + n;
    }

    @Test
    public void membershipRulesErrorsAndNotifications() throws Exception {
        String a = uid(1), b = uid(2), c = uid(3), d = uid(4);
        for (String u : List.of(a, b, c, d)) {
            register(u);
        }
        try (SwitchboardClient alice = login(a); SwitchboardClient bob = login(b); SwitchboardClient dave = login(d)) {
            String g = alice.createGroup("Family", List.of(b, c));
            assertTrue(g, g.matches("g\\d+"));
            Node created = expect(bob, n -> n.tag().equals("notification") && g.equals(n.attr("group")));
            assertEquals("group-create", created.attr("type"));
            assertEquals("Family", created.attr("subject"));
            assertEquals(a + "," + b + "," + c, created.attr("members"));

            assertNull(alice.send(g, "m1", new byte[] {7}).get(10, TimeUnit.SECONDS).attr("error"));
            Node m1 = expect(bob, n -> n.tag().equals("message") && "m1".equals(n.attr("id")));
            assertEquals(g, m1.attr("group"));
            assertEquals(a + "/0", m1.attr("from"));
            Node receipt = expect(alice, n -> n.tag().equals("receipt") && "m1".equals(n.attr("id")));
            assertEquals("delivered", receipt.attr("type"));
            assertEquals(b + "/0", receipt.attr("from"));
            assertEquals(g, receipt.attr("group"));

            assertEquals("not-a-member", dave.send(g, "x1", new byte[] {1}).get(10, TimeUnit.SECONDS).attr("error"));
            assertEquals("bad-recipient", alice.send("g1", "x2", new byte[] {1}).get(10, TimeUnit.SECONDS).attr("error"));
            assertEquals("not-admin", code(() -> bob.addGroupMembers(g, List.of(d))));
            assertEquals("no-such-user", code(() -> alice.addGroupMembers(g, List.of(uid(9)))));
            assertEquals("not-a-member", code(() -> dave.groupInfo(g)));
            assertEquals("no-such-group", code(() -> alice.groupInfo("g1")));
            assertEquals("bad-request", code(() -> alice.createGroup("", List.of(b))));
            assertEquals("bad-request", code(() -> alice.addGroupMembers(g, List.of("not-a-number"))));

            assertEquals(List.of(d), alice.addGroupMembers(g, List.of(d, b)));
            Node added = expect(dave, n -> n.tag().equals("notification") && "group-add".equals(n.attr("type")));
            assertEquals(d, added.attr("members"));
            assertEquals(a + "/0", added.attr("from"));
            assertEquals(List.of(g), dave.groups());

            assertEquals(List.of(b), alice.removeGroupMembers(g, List.of(b)));
            expect(bob, n -> "group-remove".equals(n.attr("type")) && b.equals(n.attr("members")));
            assertEquals("not-a-member", bob.send(g, "x3", new byte[] {1}).get(10, TimeUnit.SECONDS).attr("error"));

            alice.promoteGroupMembers(g, List.of(d));
            dave.setGroupSubject(g, "Renamed");
            Node info = alice.groupInfo(g);
            assertEquals("Renamed", info.attr("subject"));
            assertEquals(a + "," + d, info.attr("admins"));
            assertEquals(a + "," + d + "," + c, info.attr("members"));

            alice.leaveGroup(g);
            expect(dave, n -> "group-leave".equals(n.attr("type")) && a.equals(n.attr("members")));
            assertEquals(List.of(), alice.groups());
            assertEquals(d + "," + c, dave.groupInfo(g).attr("members"));

            // carol was offline throughout: everything waited for her, in order
            try (SwitchboardClient carol = login(c)) {
                List<String> seen = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (seen.size() < 7 && System.nanoTime() < deadline) {
                    Node n = carol.incoming().poll(100, TimeUnit.MILLISECONDS);
                    if (n != null) {
                        seen.add(n.tag().equals("message") ? "message:" + n.attr("id") : n.attr("type"));
                    }
                }
                assertEquals(List.of("group-create", "message:m1", "group-add", "group-remove", "group-promote",
                        "group-subject", "group-leave"), seen);
            }
        }
    }
}
