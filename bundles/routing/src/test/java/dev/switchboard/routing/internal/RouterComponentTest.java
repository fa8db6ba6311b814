package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.offline.internal.MemoryMessageJournal;
import dev.switchboard.offline.internal.OfflineConfiguration;
import dev.switchboard.offline.internal.OfflineQueues;
import dev.switchboard.api.state.StateVault;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing without a framework or sockets: a recording session directory, the real offline store on a memory journal. */
class RouterComponentTest {

    private final Address alice = new Address("1001", 0);
    private final Address bob = new Address("2002", 0);
    private final HandedStanzas handed = new HandedStanzas();
    /** Writes gathered by the directory's batch: each finished batch as one list of (to, stanza). */
    private final BlockingQueue<List<Object[]>> batches = new LinkedBlockingQueue<>();
    private final ThreadLocal<List<Object[]>> openBatch = new ThreadLocal<>();
    private final AtomicInteger nested = new AtomicInteger();
    /** The directory's idea of each device's current session (absent: it has one, any id). */
    private final Map<Address, Long> currentSession = new java.util.concurrent.ConcurrentHashMap<>();
    /** What reached each device, with the session that was current when it was written. */
    private final List<Object[]> written = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Set by a test: the delivery on which the lane stops until the test lets it go. */
    private volatile Predicate<Node> pauseAt = n -> false;
    private final java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
    private StateVault vault;
    private OfflineQueues offline;
    private RouterComponent router;

    @BeforeEach
    void start() throws Exception {
        vault = RoutingFakes.vault();
        offline = new OfflineQueues(new MemoryMessageJournal(), vault, RoutingFakes.defaults(OfflineConfiguration.class));
        router = new RouterComponent(directory(), vault, RoutingFakes.defaults(RoutingConfiguration.class));
        router.bindOffline(offline);
        router.bindAccounts(oneDeviceAccounts());
        router.deviceOnline(alice);
        router.deviceOnline(bob);
    }

    @AfterEach
    void stop() throws Exception {
        router.deactivateForTest();
        offline.deactivateForTest();
    }

    @Test
    void aCumulativeConfirmationDeletesWhatWasWrittenAndTellsTheSenderOfEach() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertTrue(router.route(alice, Node.withContent("message", new byte[] {(byte) i}, "to", bob.user(), "id", "m" + i)));
        }
        List<Node> toBob = take(3, bob, n -> n.tag().equals("message"));
        long last = Long.parseLong(toBob.get(2).attr("seq"));
        // an upto beyond what bob was given cannot confirm anything bob has not seen
        router.route(bob, Node.of("received", "upto", Long.toString(last + 1000)));
        List<Node> receipts = take(3, alice, n -> n.tag().equals("receipt") && n.attr("seq") != null);
        assertEquals(List.of("m1", "m2", "m3"), receipts.stream().map(n -> n.attr("id")).toList());
        assertEquals("delivered", receipts.get(0).attr("type"));
        assertEquals(3, take(3, alice, n -> n.tag().equals("ack")).size(), "each message acknowledged once safe");
        assertEquals(0, offline.depth(bob), "all three deleted by one confirmation");

        // a message queued after the confirmation is not covered by it
        router.route(alice, Node.withContent("message", new byte[] {4}, "to", bob.user(), "id", "m4"));
        take(1, bob, n -> n.tag().equals("message"));
        assertEquals(1, offline.depth(bob));
    }

    @Test
    void anUptoNeverConfirmsWhatTheWindowHeldBack() throws Exception {
        int total = DeliveryPump.WINDOW + 6;
        for (int i = 1; i <= total; i++) {
            router.route(alice, Node.withContent("message", new byte[] {(byte) i}, "to", bob.user(), "id", "w" + i));
        }
        take(DeliveryPump.WINDOW, bob, n -> n.tag().equals("message")); // the window is full: six wait
        router.route(bob, Node.of("received", "upto", Long.toString(Long.MAX_VALUE)));
        List<Node> rest = take(6, bob, n -> n.tag().equals("message"));
        assertEquals("w" + (DeliveryPump.WINDOW + 1), rest.get(0).attr("id"));
        assertEquals(6, offline.depth(bob), "the six written after the confirmation still wait for theirs");
    }

    @Test
    void anUptoBelowTheFirstUnconfirmedConfirmsNothing() throws Exception {
        router.route(alice, Node.withContent("message", new byte[] {1}, "to", bob.user(), "id", "a"));
        long seq = Long.parseLong(take(1, bob, n -> n.tag().equals("message")).get(0).attr("seq"));
        router.route(bob, Node.of("received", "upto", Long.toString(seq - 1)));
        router.route(bob, Node.of("received", "upto", "not-a-number"));
        Node error = take(1, bob, n -> n.tag().equals("error")).get(0);
        assertEquals("bad-request", error.attr("code"));
        assertEquals(1, offline.depth(bob));
    }

    @Test
    void aLaneTurnWritesThroughTheDirectorysBatch() throws Exception {
        for (int i = 1; i <= 50; i++) {
            router.route(alice, Node.withContent("message", new byte[] {(byte) i}, "to", bob.user(), "id", "b" + i));
        }
        take(50, bob, n -> n.tag().equals("message"));
        // a batch is recorded when its turn ends, which can be after the test has taken its writes
        int inBatches = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inBatches < 50 && System.nanoTime() < deadline) {
            List<Object[]> b = batches.poll(100, TimeUnit.MILLISECONDS);
            if (b != null) {
                inBatches += b.size();
            }
        }
        assertTrue(inBatches >= 50, "every delivery went out inside a batch: " + inBatches);
        assertEquals(0, nested.get(), "batches closed");
    }

    /**
     * The checker's seed -6966000788221734626 once saw this: the device logs in again while the
     * lane is still handing its queue to the old session. The old hand-out must stop there, and the
     * new session get the queue from the head, in order, rather than the old hand-out's tail first.
     */
    @Test
    void aDeviceLoggingInAgainMidHandOutGetsItsQueueFromTheHeadInOrder() throws Exception {
        Address carol = new Address("3003", 0);
        for (int i = 1; i <= 30; i++) {
            router.route(alice, Node.withContent("message", new byte[] {(byte) i}, "to", carol.user(), "id", "c" + i));
        }
        take(30, alice, n -> n.tag().equals("ack")); // all 30 queued: carol is away
        pauseAt = n -> "c10".equals(n.attr("id"));
        currentSession.put(carol, 1L);
        router.deviceOnline(carol, 1);
        assertTrue(paused.await(10, TimeUnit.SECONDS), "the hand-out to session 1 reached c10");
        currentSession.put(carol, 2L); // the device logs in again on a new connection
        router.deviceOnline(carol, 2);
        goOn.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> toSecond = new ArrayList<>();
        while (toSecond.size() < 30 && System.nanoTime() < deadline) {
            toSecond.clear();
            synchronized (written) {
                for (Object[] w : written) {
                    if (w[0].equals(carol) && Long.valueOf(2).equals(w[1])) {
                        toSecond.add(((Node) w[2]).attr("id"));
                    }
                }
            }
            Thread.onSpinWait();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            expected.add("c" + i);
        }
        assertEquals(expected, toSecond, "session 2 gets the whole queue, from the head, in order, once");
    }

    /** Two logins of one device finishing out of order: the older one's late call changes nothing. */
    @Test
    void aLateDeviceOnlineForAReplacedSessionLeavesTheNewOneItsQueue() throws Exception {
        Address carol = new Address("3003", 0);
        currentSession.put(carol, 2L);
        router.deviceOnline(carol, 2);
        router.deviceOnline(carol, 1); // the replaced login's call, arriving last
        router.route(alice, Node.withContent("message", new byte[] {1}, "to", carol.user(), "id", "late"));
        assertEquals("late", take(1, carol, n -> n.tag().equals("message")).get(0).attr("id"));
    }

    /**
     * A confirmation of a message that was already written queues its delivered receipt; the
     * message may leave the journal only once that receipt is safe, or a kill -9 in between
     * would leave the message deleted and the receipt never written.
     */
    @Test
    void aWrittenMessageLeavesTheJournalOnlyOnceItsReceiptIsSafe() throws Exception {
        router.unbindOffline(offline);
        offline.deactivateForTest();
        MemoryMessageJournal journal = new MemoryMessageJournal();
        offline = new OfflineQueues(journal, vault, persistDelay(400)); // long enough to look between the steps
        router.bindOffline(offline);
        router.route(alice, Node.withContent("message", new byte[] {1}, "to", bob.user(), "id", "r1"));
        long seq = Long.parseLong(take(1, bob, n -> n.tag().equals("message")).get(0).attr("seq"));
        awaitTrue(() -> journalHas(journal, seq), "the unconfirmed message is written after the persist delay");

        router.route(bob, Node.of("received", "seq", Long.toString(seq)));
        take(1, alice, n -> n.tag().equals("receipt") && n.attr("seq") != null); // alice has it, unconfirmed
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
        while (System.nanoTime() < until) { // well inside the receipt's 400 ms before it is written
            assertTrue(journalHas(journal, seq), "deleted before its receipt was safe");
            Thread.onSpinWait();
        }
        awaitTrue(() -> !journalHas(journal, seq) && journal.index().stream().anyMatch(m -> "delivered".equals(m.kind())),
                "once the receipt is written, the message is deleted");
    }

    private static boolean journalHas(MemoryMessageJournal journal, long seq) throws Exception {
        return journal.index().stream().anyMatch(m -> m.seq() == seq);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.holds()) {
            assertTrue(System.nanoTime() < deadline, what + " (within 10 s)");
            Thread.onSpinWait();
        }
    }

    private static OfflineConfiguration persistDelay(int ms) {
        return (OfflineConfiguration) Proxy.newProxyInstance(OfflineConfiguration.class.getClassLoader(),
                new Class<?>[] {OfflineConfiguration.class}, (p, m, a) -> switch (m.getName()) {
                    case "persistDelayMs" -> ms;
                    case "annotationType" -> OfflineConfiguration.class;
                    default -> m.getDefaultValue();
                });
    }

    private List<Node> take(int count, Address to, Predicate<Node> wanted) throws InterruptedException {
        return handed.take(count, to, wanted);
    }

    private SessionDirectory directory() {
        return new RoutingFakes.Directory() {
            @Override
            public boolean deliver(Address to, Node stanza) {
                if (pauseAt.test(stanza)) {
                    pauseHere();
                }
                List<Object[]> batch = openBatch.get();
                if (batch != null) {
                    batch.add(new Object[] {to, stanza});
                }
                handed.add(to, stanza);
                written.add(new Object[] {to, currentSession.get(to), stanza});
                return true;
            }

            /** As the transport: only to the session named (0: any), checked when the stanza is written. */
            @Override
            public boolean deliver(Address to, long session, Node stanza) {
                if (session == 0) {
                    return deliver(to, stanza);
                }
                if (pauseAt.test(stanza)) {
                    pauseHere();
                }
                Long current = currentSession.get(to);
                if (current == null || current != session) {
                    return false;
                }
                handed.add(to, stanza);
                written.add(new Object[] {to, current, stanza});
                return true;
            }

            @Override
            public long sessionOf(Address device) {
                return currentSession.getOrDefault(device, 0L);
            }

            private void pauseHere() {
                pauseAt = n -> false;
                paused.countDown();
                try {
                    assertTrue(goOn.await(10, TimeUnit.SECONDS), "the test let the lane go on");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void batch(Runnable work) {
                if (openBatch.get() != null) {
                    work.run();
                    return;
                }
                List<Object[]> batch = new ArrayList<>();
                openBatch.set(batch);
                nested.incrementAndGet();
                try {
                    work.run();
                } finally {
                    openBatch.remove();
                    nested.decrementAndGet();
                    batches.add(batch);
                }
            }
        };
    }

    private static AccountService oneDeviceAccounts() {
        return (AccountService) Proxy.newProxyInstance(RouterComponentTest.class.getClassLoader(),
                new Class<?>[] {AccountService.class}, (p, m, a) -> {
                    if (m.getName().equals("devices")) {
                        return List.of(new DeviceRecord(new Address((String) a[0], 0), 0));
                    }
                    throw new IllegalStateException(m.getName() + " is not used here");
                });
    }
}
