package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.client.SwitchboardClient;
import java.io.ByteArrayInputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Issue #2's acceptance: 200 logged-in clients in pairs chat continuously while protocol.binary,
 * routing and auth (and, for #3 and #4, store.sql and offline) are each replaced ten times by jars
 * of another version, while 20 more clients write to accounts that stay offline until the end. No connection closes,
 * every acknowledged message arrives exactly once and in order, and every replaced revision's class
 * loader becomes unreachable.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends SwitchboardTestSupport {

    private static final int CLIENTS = 200;
    /** Accounts that stay offline while the swaps run; 20 more clients write to them. */
    private static final int OFFLINE = 20;
    private static final int ROUNDS = 10;
    private static final String[] SWAPPED = {"protocol.binary", "routing", "auth", "store.sql", "offline", "groups", "presence"};
    /** Groups with one member writing to the group and the others reading; users after the offline ones. */
    private static final int GROUPS = 4;
    private static final int GROUP_SIZE = 4;

    @Test
    public void bundlesSwapUnderTrafficWithoutDroppingOrLosingAnything() throws Exception {
        List<SwitchboardClient> clients = new ArrayList<>();
        List<Chatter> chatters = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong totalAcked = new AtomicLong();
        try {
            for (int i = 0; i <= CLIENTS + 2 * OFFLINE + GROUPS * GROUP_SIZE; i++) {
                register(user(i));
            }
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(login(user(i)));
            }
            List<SwitchboardClient> offlineSenders = new ArrayList<>();
            List<Chatter> offlineChatters = new ArrayList<>();
            for (int k = 0; k < OFFLINE; k++) {
                SwitchboardClient c = login(offlineSender(k));
                offlineSenders.add(c);
                clients.add(c);
                Chatter chatter = new Chatter(c, offlineRecipient(k), 8, 1_000_000, 300_000, totalAcked);
                offlineChatters.add(chatter);
                Thread t = new Thread(chatter, "offline-chatter-" + k);
                threads.add(t);
                t.start();
            }
            // group traffic: member 0 of each group writes to it, the others read; the group is made before the swaps
            List<Chatter> groupChatters = new ArrayList<>();
            List<List<SwitchboardClient>> groupReaders = new ArrayList<>();
            List<String> groupIds = new ArrayList<>();
            for (int k = 0; k < GROUPS; k++) {
                SwitchboardClient writer = login(groupMember(k, 0));
                clients.add(writer);
                List<SwitchboardClient> readers = new ArrayList<>();
                List<String> readerIds = new ArrayList<>();
                for (int m = 1; m < GROUP_SIZE; m++) {
                    SwitchboardClient reader = login(groupMember(k, m));
                    readers.add(reader);
                    clients.add(reader);
                    readerIds.add(groupMember(k, m));
                }
                String group = writer.createGroup("swap group " + k, readerIds);
                groupIds.add(group);
                groupReaders.add(readers);
                Chatter chatter = new Chatter(writer, group, 8, 1_000_000, 300_000, totalAcked);
                groupChatters.add(chatter);
                Thread t = new Thread(chatter, "group-chatter-" + k);
                threads.add(t);
                t.start();
            }
            // admin requests in flight during the swaps: each must be answered, none lost
            List<String> adminFailures = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicInteger adminDone = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean adminStop = new java.util.concurrent.atomic.AtomicBoolean();
            SwitchboardClient admin = clients.get(clients.size() - GROUP_SIZE); // the writer of the last group
            String adminGroup = groupIds.get(GROUPS - 1);
            Thread adminThread = new Thread(() -> {
                for (int n = 0; n < 100_000 && !adminStop.get(); n++) {
                    try {
                        admin.setGroupSubject(adminGroup, "subject " + n);
                        adminDone.incrementAndGet();
                    } catch (Exception e) {
                        adminFailures.add(n + ": " + e);
                    }
                }
            }, "group-admin");
            adminThread.start();
            // presence: a watcher subscribed before the swaps, a target that keeps logging in and out
            // the watcher is offline sender 0: nothing else in this test reads its incoming stanzas
            String watcherId = offlineSender(0), flapperId = user(CLIENTS); // user(CLIENTS) logs in and out anyway
            SwitchboardClient watcher = clients.get(CLIENTS);
            assertEquals(watcherId, watcher.user());
            watcher.subscribePresence(flapperId);
            java.util.concurrent.atomic.AtomicBoolean flapStop = new java.util.concurrent.atomic.AtomicBoolean();
            List<String> flapFailures = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread flapper = new Thread(() -> {
                for (int n = 0; n < 10_000 && !flapStop.get(); n++) {
                    try {
                        login(flapperId).close();
                        Thread.sleep(50);
                    } catch (Exception e) {
                        flapFailures.add(n + ": " + e);
                    }
                }
            }, "presence-flapper");
            flapper.start();
            for (int i = 0; i < CLIENTS; i++) {
                // clients 2k and 2k+1 are partners, each sending to the other
                Chatter c = new Chatter(clients.get(i), user(i ^ 1), 8, 1_000_000, 300_000, totalAcked);
                chatters.add(c);
                Thread t = new Thread(c, "chatter-" + i);
                threads.add(t);
                t.start();
            }
            List<WeakReference<ClassLoader>> replaced = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                for (String name : SWAPPED) {
                    Bundle b = bundle("dev.switchboard." + name);
                    replaced.add(loaderOf(b));
                    String version = "0.1.0.swap" + round;
                    b.update(new ByteArrayInputStream(withVersion(jar("bundles/" + name, name), version)));
                    assertEquals(version, b.getVersion().toString());
                    long before = totalAcked.get();
                    String what = "traffic to flow after swapping " + name + " in round " + round + "; services: ";
                    await(() -> what + services(), Duration.ofSeconds(60), () -> totalAcked.get() >= before + CLIENTS);
                    if (name.equals("auth") || name.equals("store.sql")) {
                        login(user(CLIENTS)).close(); // a fresh login goes through the new revision (the flapper does too)
                    }
                }
            }
            for (Chatter c : chatters) {
                c.stop = true;
            }
            for (Chatter c : offlineChatters) {
                c.stop = true;
            }
            for (Chatter c : groupChatters) {
                c.stop = true;
            }
            adminStop.set(true);
            adminThread.join(60_000);
            flapStop.set(true);
            flapper.join(60_000);
            for (Thread t : threads) {
                t.join(30_000);
            }
            for (int i = 0; i < CLIENTS; i++) {
                assertTrue("client " + i + " disconnected: " + clients.get(i).closed().getNow(null), clients.get(i).isOpen());
            }
            for (Chatter c : chatters) {
                if (!c.awaitAllAcked(30_000)) {
                    fail("acks outstanding for " + c.partner + ": " + unansweredReport(c));
                }
            }
            long totalSent = 0;
            for (int i = 0; i < CLIENTS; i++) {
                Chatter sender = chatters.get(i);
                assertTrue("client " + i + " disconnected: " + clients.get(i).closed().getNow(null), clients.get(i).isOpen());
                assertEquals("ack errors of client " + i, List.of(), sender.ackErrors);
                List<Long> received = receivedOrWait(clients.get(i ^ 1), user(i), sender.sent);
                List<Long> expected = new ArrayList<>();
                for (long s = 1; s <= sender.sent; s++) {
                    expected.add(s);
                }
                assertEquals("messages from client " + i + " exactly once, in order", expected, received);
                assertEquals(sender.sent, sender.acked.size());
                totalSent += sender.sent;
            }
            for (int k = 0; k < OFFLINE; k++) {
                Chatter sender = offlineChatters.get(k);
                assertTrue("acks outstanding for " + sender.partner, sender.awaitAllAcked(30_000));
                assertEquals(List.of(), sender.ackErrors);
                try (SwitchboardClient recipient = login(offlineRecipient(k))) {
                    List<Long> received = receivedOrWait(recipient, offlineSender(k), sender.sent);
                    List<Long> expected = new ArrayList<>();
                    for (long s = 1; s <= sender.sent; s++) {
                        expected.add(s);
                    }
                    assertEquals("queued messages for offline recipient " + k + " exactly once, in order; repeats dropped "
                            + recipient.repeatsDropped(), expected, received);
                }
                totalSent += sender.sent;
            }
            for (int k = 0; k < GROUPS; k++) {
                Chatter sender = groupChatters.get(k);
                assertTrue("acks outstanding for " + sender.partner, sender.awaitAllAcked(30_000));
                assertEquals(List.of(), sender.ackErrors);
                List<Long> expected = new ArrayList<>();
                for (long s = 1; s <= sender.sent; s++) {
                    expected.add(s);
                }
                for (SwitchboardClient reader : groupReaders.get(k)) {
                    List<Long> received = receivedOrWait(reader, groupMember(k, 0), sender.sent);
                    assertEquals("group " + k + " messages to " + reader.user() + " exactly once, in order; repeats dropped "
                            + reader.repeatsDropped(), expected, received);
                }
                totalSent += sender.sent;
            }
            assertEquals("group admin requests", List.of(), adminFailures);
            assertEquals("presence flapper logins", List.of(), flapFailures);
            // the subscription made before the swaps still works, and the last word matches the truth
            List<String> seen = new ArrayList<>(presenceOf(watcher, flapperId));
            long presenceDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((seen.isEmpty() || !seen.get(seen.size() - 1).equals("unavailable")) && System.nanoTime() < presenceDeadline) {
                Thread.sleep(10);
                seen.addAll(presenceOf(watcher, flapperId));
            }
            assertTrue("the watcher saw the flapper come and go during the swaps: " + seen.size(), seen.size() > 2 * ROUNDS);
            assertEquals("after the flapper stopped it is offline", "unavailable", seen.get(seen.size() - 1));
            System.out.printf("HotSwapIT: the watcher saw %d presence changes of the flapper across the swaps%n", seen.size());
            try (SwitchboardClient back = login(flapperId)) {
                assertEquals(List.of("available"), presenceOrWait(watcher, flapperId, 1));
            }
            assertEquals(List.of("unavailable"), presenceOrWait(watcher, flapperId, 1));
            assertTrue("group admin requests answered during the swaps: " + adminDone.get(), adminDone.get() > ROUNDS);
            // delivered and confirmed means deleted: nothing may be left waiting for a device that had it all
            var store = service(dev.switchboard.api.offline.OfflineStore.class);
            for (int i = 0; i < CLIENTS; i++) {
                var device = new dev.switchboard.api.stanza.Address(user(i), 0);
                await(() -> device + " still has " + store.depth(device) + " queued", Duration.ofSeconds(30),
                        () -> store.depth(device) == 0);
            }
            System.out.printf("HotSwapIT: %d messages acknowledged and delivered across %d swaps, %d group admin requests answered%n",
                    totalSent, ROUNDS * SWAPPED.length, adminDone.get());
            assertTrue("traffic was too thin to mean anything: " + totalSent, totalSent > 10L * CLIENTS);
            assertCollected(replaced);
        } finally {
            chatters.forEach(c -> c.stop = true);
            clients.forEach(SwitchboardClient::close);
        }
    }

    /**
     * What the server knows of a chatter's unanswered messages: whether the offline store took
     * each as accepted (then its ack was sent and lost on the way) and what waits for the partner.
     */
    private String unansweredReport(Chatter c) throws InterruptedException {
        var store = service(dev.switchboard.api.offline.OfflineStore.class);
        var from = new dev.switchboard.api.stanza.Address(c.client.user(), 0);
        var partner = new dev.switchboard.api.stanza.Address(c.partner, 0);
        StringBuilder out = new StringBuilder("sent " + c.sent + ", acked " + c.acked.size() + ", errors " + c.ackErrors
                + "; partner queue depth " + store.depth(partner));
        for (long id : c.unanswered()) {
            out.append("\n  id ").append(id).append(": accepted by the store (duplicate-known) ")
                    .append(store.isDuplicate(from, Long.toString(id)));
        }
        return out.toString();
    }

    private static List<Long> receivedOrWait(SwitchboardClient receiver, String sender, long count) throws InterruptedException {
        List<Long> all = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // drain only this sender's messages; the receiver's queue holds nothing else in this test
        while (true) {
            all.addAll(Chatter.receivedFrom(receiver, sender));
            if (all.size() >= count || System.nanoTime() > deadline) {
                return all;
            }
            Thread.onSpinWait();
        }
    }

    /** The presence types a watcher received about a user so far (other stanzas are dropped). */
    private static List<String> presenceOf(SwitchboardClient watcher, String user) {
        List<String> types = new ArrayList<>();
        dev.switchboard.api.stanza.Node n;
        while ((n = watcher.incoming().poll()) != null) {
            if ("presence".equals(n.tag()) && user.equals(n.attr("from"))) {
                types.add(n.attr("type"));
            }
        }
        return types;
    }

    private static List<String> presenceOrWait(SwitchboardClient watcher, String user, int count) throws InterruptedException {
        List<String> all = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (all.size() < count && System.nanoTime() < deadline) {
            all.addAll(presenceOf(watcher, user));
            Thread.sleep(10);
        }
        return all;
    }

    /** Which of the services traffic needs are registered, for a failure message. */
    private String services() {
        StringBuilder out = new StringBuilder();
        for (String type : new String[] {"dev.switchboard.api.offline.OfflineStore", "dev.switchboard.api.store.MessageJournal",
                "dev.switchboard.api.store.AccountStore", "dev.switchboard.api.auth.AccountService",
                "dev.switchboard.api.routing.Router", "dev.switchboard.api.protocol.FrameCodec"}) {
            out.append(type.substring(type.lastIndexOf('.') + 1)).append('=')
                    .append(context.getServiceReference(type) != null).append(' ');
        }
        var ref = context.getServiceReference(org.osgi.service.component.runtime.ServiceComponentRuntime.class);
        if (ref != null) {
            var scr = context.getService(ref);
            for (var d : scr.getComponentDescriptionDTOs()) {
                if (!d.name.startsWith("dev.switchboard")) {
                    continue;
                }
                for (var c : scr.getComponentConfigurationDTOs(d)) {
                    out.append("\n  ").append(d.name).append(" state=").append(c.state);
                    if (c.failure != null) {
                        out.append(" failure=").append(c.failure.lines().filter(l -> !l.startsWith("\tat ")).limit(8).toList());
                    }
                    for (var r : c.unsatisfiedReferences) {
                        out.append(" unsatisfied=").append(r.name);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String offlineSender(int k) {
        return user(CLIENTS + 1 + k);
    }

    private static String groupMember(int group, int member) {
        return user(CLIENTS + 1 + 2 * OFFLINE + group * GROUP_SIZE + member);
    }

    private static String offlineRecipient(int k) {
        return user(CLIENTS + 1 + OFFLINE + k);
    }

    private static String user(int i) {
        return String.valueOf(1_550_000_000L + i);
    }
}
