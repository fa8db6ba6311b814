package dev.switchboard.cluster.internal;

import static dev.switchboard.cluster.internal.NatsServer.await;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Lane ownership on the real NATS: one owner per user's lane, ever, and what happens when it dies. */
class LaneOwnersTest {

    private static final long HEARTBEAT_MS = 100;
    private static final long DEAD_AFTER_MS = 600;
    private static final String USER = "15550004";
    private final List<ClusterNode> nodes = new ArrayList<>();
    private String prefix;

    @BeforeEach
    void reachable() throws Exception {
        NatsServer.link("probe").close();
        prefix = NatsServer.freshPrefix();
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.forEach(n -> n.stop(false));
        NatsServer.dropBuckets(prefix);
    }

    private ClusterNode start(String name, AtomicLong clock) throws Exception {
        ClusterNode n = new ClusterNode(new ClusterSettings(name, NatsServer.URL, prefix, "", HEARTBEAT_MS, DEAD_AFTER_MS),
                new FakeSessions(), "run1", () -> System.nanoTime() + clock.get());
        nodes.add(n);
        return n;
    }

    @RepeatedTest(5)
    void twoNodesTakingTheSameLaneAtOnceAgreeOnOneOwner() throws Exception {
        ClusterNode a = start("a", new AtomicLong());
        ClusterNode b = start("b", new AtomicLong());
        await("a and b see each other", () -> a.membership.liveNodes().size() == 2 && b.membership.liveNodes().size() == 2);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<String> byA = CompletableFuture.supplyAsync(() -> awaitThen(go, () -> a.lanes.claim(USER)));
        CompletableFuture<String> byB = CompletableFuture.supplyAsync(() -> awaitThen(go, () -> b.lanes.claim(USER)));
        go.countDown();
        String owner = byA.get(10, TimeUnit.SECONDS);
        assertNotNull(owner);
        assertEquals(owner, byB.get(10, TimeUnit.SECONDS), "both were told the same owner");
        ClusterNode winner = owner.equals("a") ? a : b;
        ClusterNode loser = owner.equals("a") ? b : a;
        assertTrue(winner.lanes.ownedHere(USER));
        assertFalse(loser.lanes.ownedHere(USER));
        await("the loser's mirror names the winner", () -> owner.equals(loser.lanes.owner(USER)));
    }

    private static String awaitThen(CountDownLatch go, java.util.function.Supplier<String> then) {
        try {
            go.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return then.get();
    }

    @Test
    void aDeadOwnersLaneGoesToTheNextNodeThatNeedsItAndNotBefore() throws Exception {
        ClusterNode a = start("a", new AtomicLong());
        AtomicLong bClock = new AtomicLong();
        ClusterNode b = start("b", bClock);
        assertEquals("a", a.lanes.claim(USER));
        await("b sees a's lane", () -> "a".equals(b.lanes.owner(USER)));
        a.stop(false); // kill -9
        nodes.remove(a);
        assertEquals("a", b.lanes.claim(USER), "a is not overdue yet: its lane stays its own");
        bClock.addAndGet(TimeUnit.MILLISECONDS.toNanos(DEAD_AFTER_MS));
        assertNull(b.lanes.owner(USER), "a dead node owns nothing");
        await("b's own next heartbeat (its clock jumped)", b.membership::healthy);
        assertEquals("b", b.lanes.claim(USER));
        assertTrue(b.lanes.ownedHere(USER));
    }

    @Test
    void aNodeCutOffFromNatsGivesUpItsLanesBeforeAnyoneMayTakeThem() throws Exception {
        AtomicLong aClock = new AtomicLong();
        ClusterNode a = start("a", aClock);
        assertEquals("a", a.lanes.claim(USER));
        a.membership.stop(false); // its heartbeats no longer get through
        aClock.addAndGet(TimeUnit.MILLISECONDS.toNanos(DEAD_AFTER_MS - HEARTBEAT_MS));
        assertFalse(a.lanes.ownedHere(USER), "a must stop before the others may take over");
        assertNull(a.lanes.owner(USER));
        assertNull(a.lanes.claim(USER), "and it takes nothing while cut off");
    }

    @Test
    void aNodeThatLeavesReleasesItsLanesAtOnce() throws Exception {
        ClusterNode a = start("a", new AtomicLong());
        ClusterNode b = start("b", new AtomicLong());
        assertEquals("a", a.lanes.claim(USER));
        await("b sees a's lane", () -> "a".equals(b.lanes.owner(USER)));
        a.stop(true);
        nodes.remove(a);
        await("b sees the lane free", () -> b.lanes.owner(USER) == null);
        assertEquals("b", b.lanes.claim(USER));
    }

    @Test
    void aLaneWhoseQueuesCannotBeTakenOverIsGivenUpNotServedEmpty() throws Exception {
        dev.switchboard.api.cluster.PeerWork noStore = new dev.switchboard.api.cluster.PeerWork() {
            @Override
            public boolean forwarded(dev.switchboard.api.stanza.Address from, dev.switchboard.api.stanza.Node stanza,
                                     java.util.function.Consumer<dev.switchboard.api.stanza.Node> answer) {
                return false;
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> queue(java.util.List<dev.switchboard.api.store.QueuedMessage> copies) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean adopt(String user) {
                return false; // e.g. the offline store is being replaced
            }
        };
        ClusterNode a = new ClusterNode(new ClusterSettings("a", NatsServer.URL, prefix, "", HEARTBEAT_MS, DEAD_AFTER_MS),
                new FakeSessions(), () -> noStore, "run1", System::nanoTime);
        nodes.add(a);
        ClusterNode b = start("b", new AtomicLong());
        assertNull(a.lanes.claim(USER), "not taken: its queues could not be read");
        assertFalse(a.lanes.ownedHere(USER));
        assertEquals("b", b.lanes.claim(USER), "and free for another node at once");
    }
}
