package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Issue #5's fan-out acceptance: one message to a full 1,024-member group (members with one or two
 * devices, some online, most offline) reaches every online device and is queued for every offline
 * one, with a delivered receipt back to the sender from each online device; one more member is
 * refused with group-limit.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GroupFanoutIT extends SwitchboardTestSupport {

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
}
