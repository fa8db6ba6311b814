package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.SwitchboardClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Issue #5's groups over the wire: who may do what, the errors for everything else, notifications
 * to members (stored for the offline ones), and a message to a full 1,024-member group reaching
 * every online device and queued for every offline one, with a receipt from each device.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GroupsIT extends SwitchboardTestSupport {

    /** What each client received and the test has not consumed yet. */
    private final Map<SwitchboardClient, List<Node>> unread = new HashMap<>();

    @Test
    public void membershipRulesErrorsAndNotifications() throws Exception {
        String a = "15558000001", b = "15558000002", c = "15558000003", d = "15558000004";
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
            assertEquals("no-such-user", code(() -> alice.addGroupMembers(g, List.of("15558999999"))));
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

    @Test
    public void aMessageToAFullGroupReachesEveryDevice() throws Exception {
        int members = 1024;
        AccountService accounts = service(AccountService.class);
        String creator = big(0);
        List<String> others = new ArrayList<>();
        List<Address> online = new ArrayList<>();
        List<Address> offline = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                String user = big(i);
                boolean twoDevices = i % 3 == 1;
                work.add(pool.submit(() -> {
                    accounts.register(user, password(user));
                    if (twoDevices) {
                        accounts.linkDevice(new Address(user, 1), password(user));
                    }
                    return null;
                }));
                if (i > 0) {
                    others.add(user);
                    (i <= 150 ? online : offline).add(new Address(user, 0));
                    if (twoDevices) {
                        (i <= 60 ? online : offline).add(new Address(user, 1));
                    }
                }
            }
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
            List<Future<SwitchboardClient>> logins = new ArrayList<>();
            for (Address device : online) {
                logins.add(pool.submit(() -> {
                    SwitchboardClient client = SwitchboardClient.connect("127.0.0.1", port);
                    client.login(device.user(), device.device(), password(device.user()));
                    return client;
                }));
            }
            Map<Address, SwitchboardClient> clients = new HashMap<>();
            for (int i = 0; i < online.size(); i++) {
                clients.put(online.get(i), logins.get(i).get(60, TimeUnit.SECONDS));
            }
            try (SwitchboardClient sender = login(creator)) {
                String g = sender.createGroup("Everyone", others);
                assertEquals(members, sender.groupInfo(g).attr("members").split(",").length);
                String oneTooMany = big(members);
                accounts.register(oneTooMany, password(oneTooMany));
                assertEquals("group-limit", code(() -> sender.addGroupMembers(g, List.of(oneTooMany))));

                Node ack = sender.send(g, "to-all", "hello everyone".getBytes()).get(60, TimeUnit.SECONDS);
                assertNull("ack " + ack, ack.attr("error"));
                for (Map.Entry<Address, SwitchboardClient> e : clients.entrySet()) {
                    Node m = expect(e.getValue(), n -> n.tag().equals("message") && "to-all".equals(n.attr("id")));
                    assertEquals(e.getKey() + " got it as a group message", g, m.attr("group"));
                }
                OfflineStore store = service(OfflineStore.class);
                for (Address device : offline) {
                    boolean queued = store.pending(device, 0, 10).stream()
                            .anyMatch(q -> q.kind().equals("message") && q.id().equals("to-all") && g.equals(q.group()));
                    assertTrue(device + " has the message queued", queued);
                }
                // a delivered receipt from every online device, each exactly once
                List<String> receiptsFrom = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (receiptsFrom.size() < online.size() && System.nanoTime() < deadline) {
                    Node n = sender.incoming().poll(100, TimeUnit.MILLISECONDS);
                    if (n != null && n.tag().equals("receipt") && "to-all".equals(n.attr("id"))) {
                        assertEquals("delivered", n.attr("type"));
                        receiptsFrom.add(n.attr("from"));
                    }
                }
                assertEquals(online.size(), receiptsFrom.size());
                assertEquals(online.size(), receiptsFrom.stream().distinct().count());
                System.out.printf("GroupsIT: one message to %d members reached %d online devices, queued for %d offline%n",
                        members, online.size(), offline.size());
                // an offline member coming back gets it from the queue
                Address late = offline.get(offline.size() - 1);
                try (SwitchboardClient back = SwitchboardClient.connect("127.0.0.1", port)) {
                    back.login(late.user(), late.device(), password(late.user()));
                    Node m = expect(back, n -> n.tag().equals("message") && "to-all".equals(n.attr("id")));
                    assertEquals(g, m.attr("group"));
                }
            } finally {
                clients.values().forEach(SwitchboardClient::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String big(int i) {
        return String.valueOf(15_559_000_000L + i);
    }

    @FunctionalInterface
    private interface Request {
        void run() throws Exception;
    }

    /** The error code a client request fails with. */
    private static String code(Request request) throws Exception {
        try {
            request.run();
        } catch (ClientException e) {
            return e.code();
        }
        throw new AssertionError("the request succeeded");
    }

    /** The first received stanza matching, waiting up to 30 s; others are kept for later expectations. */
    private Node expect(SwitchboardClient client, Predicate<Node> match) throws InterruptedException {
        List<Node> kept = unread.computeIfAbsent(client, k -> new ArrayList<>());
        for (int i = 0; i < kept.size(); i++) {
            if (match.test(kept.get(i))) {
                return kept.remove(i);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Node n = client.incoming().poll(100, TimeUnit.MILLISECONDS);
            if (n == null) {
                continue;
            }
            if (match.test(n)) {
                return n;
            }
            kept.add(n);
        }
        throw new AssertionError("nothing matching arrived within 30 s; got " + kept);
    }
}
