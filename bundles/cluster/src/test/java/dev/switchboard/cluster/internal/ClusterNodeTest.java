package dev.switchboard.cluster.internal;

import static dev.switchboard.cluster.internal.NatsServer.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.cluster.DeviceLocation;
import dev.switchboard.api.stanza.Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nodes on the real NATS: liveness by heartbeat, and the shared directory of logins. */
class ClusterNodeTest {

    private static final long HEARTBEAT_MS = 100;
    private static final long DEAD_AFTER_MS = 600;
    private final Address alice = new Address("15550001", 0);
    private final Address alicePhone = new Address("15550001", 1);
    private final List<ClusterNode> nodes = new ArrayList<>();
    private String prefix;

    @BeforeEach
    void reachable() throws Exception {
        NatsServer.link("probe").close(); // skips (or fails under CI) when NATS is away
        prefix = NatsServer.freshPrefix();
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.forEach(n -> n.stop(false));
        NatsServer.dropBuckets(prefix);
    }

    private ClusterNode start(String name, String run, FakeSessions sessions, AtomicLong clock) throws Exception {
        ClusterNode n = new ClusterNode(new ClusterSettings(name, NatsServer.URL, prefix, "", HEARTBEAT_MS, DEAD_AFTER_MS),
                sessions, run, () -> System.nanoTime() + clock.get());
        nodes.add(n);
        return n;
    }

    /** What a node's clock adds to real time: the test moves it to make time pass for that node. */
    private static AtomicLong offset() {
        return new AtomicLong();
    }

    @Test
    void nodesSeeEachOtherAndOneThatLeavesIsGoneAtOnce() throws Exception {
        ClusterNode a = start("a", "run1", new FakeSessions(), offset());
        ClusterNode b = start("b", "run1", new FakeSessions(), offset());
        await("a sees b", () -> a.membership.liveNodes().equals(Set.of("a", "b")));
        await("b sees a", () -> b.membership.liveNodes().equals(Set.of("a", "b")));
        b.stop(true);
        nodes.remove(b);
        await("a sees b leave", () -> a.membership.liveNodes().equals(Set.of("a")));
    }

    @Test
    void aNodeThatFallsSilentIsDeadOnceItsHeartbeatIsOverdue() throws Exception {
        AtomicLong aClock = offset();
        ClusterNode a = start("a", "run1", new FakeSessions(), aClock);
        ClusterNode b = start("b", "run1", new FakeSessions(), offset());
        await("a sees b", () -> a.membership.isLive("b", "run1"));
        b.stop(false); // a crash, as far as the others can tell: no goodbye
        nodes.remove(b);
        assertTrue(a.membership.isLive("b", "run1"), "one missed heartbeat is not death");
        aClock.addAndGet(TimeUnit.MILLISECONDS.toNanos(DEAD_AFTER_MS));
        assertFalse(a.membership.isLive("b", "run1"));
        assertEquals(Set.of("a"), a.membership.liveNodes());
        ClusterNode b2 = start("b", "run2", new FakeSessions(), offset());
        await("a sees b's next run", () -> a.membership.isLive("b", "run2"));
        assertFalse(a.membership.isLive("b", "run1"), "the old run stays dead");
        assertNotNull(b2);
    }

    @Test
    void aDeadNodeFoundInTheBucketAtStartIsNotTakenForAliveBeyondTwoHeartbeats() throws Exception {
        ClusterNode b = start("b", "run1", new FakeSessions(), offset());
        b.stop(false); // its last heartbeat stays in the bucket
        nodes.remove(b);
        AtomicLong cClock = offset();
        ClusterNode c = start("c", "run1", new FakeSessions(), cClock);
        cClock.addAndGet(TimeUnit.MILLISECONDS.toNanos(2 * HEARTBEAT_MS));
        assertFalse(c.membership.isLive("b", "run1"), "b's old heartbeat is no sign of life");
        assertEquals(Set.of("c"), c.membership.liveNodes());
    }

    @Test
    void aLoginIsSeenOnTheOtherNodeAndItsLogoutRemovesIt() throws Exception {
        FakeSessions aSessions = new FakeSessions();
        ClusterNode a = start("a", "run1", aSessions, offset());
        ClusterNode b = start("b", "run1", new FakeSessions(), offset());
        aSessions.online.add(alice);
        a.devices.online(alice);
        await("b locates alice on a", () -> b.devices.locate(alice) != null);
        DeviceLocation at = b.devices.locate(alice);
        assertEquals("a", at.node());
        assertEquals(List.of(at), b.devices.devicesOf(alice.user()));
        aSessions.online.remove(alice);
        a.devices.offline(alice);
        await("b forgets alice", () -> b.devices.locate(alice) == null);
        assertEquals(List.of(), b.devices.devicesOf(alice.user()));
    }

    @Test
    void aLoginOnAnotherNodeClosesTheSessionHereAndItsLogoutLeavesTheNewLogin() throws Exception {
        FakeSessions aSessions = new FakeSessions();
        FakeSessions bSessions = new FakeSessions();
        ClusterNode a = start("a", "run1", aSessions, offset());
        ClusterNode b = start("b", "run1", bSessions, offset());
        aSessions.online.add(alice);
        aSessions.online.add(alicePhone);
        a.devices.online(alice);
        a.devices.online(alicePhone);
        await("b locates both on a", () -> b.devices.locate(alice) != null && b.devices.locate(alicePhone) != null);
        bSessions.online.add(alice);
        b.devices.online(alice); // the same device logs in on b
        await("a closes alice's session", () -> !aSessions.closed.isEmpty());
        assertEquals(List.of(alice + " " + DeviceLocations.REPLACED + " (b)"), aSessions.closed);
        a.devices.offline(alice); // the transport reports the closed session: the entry is b's now
        await("a locates alice on b", () -> a.devices.locate(alice) != null && a.devices.locate(alice).node().equals("b"));
        assertEquals("b", b.devices.locate(alice).node());
        assertEquals("a", b.devices.locate(alicePhone).node(), "the other device stays where it is");
        assertEquals(2, b.devices.devicesOf(alice.user()).size());
    }

    @Test
    void loginsOfADeadNodeAreNotLocatedAndItsNextRunClearsThem() throws Exception {
        FakeSessions aSessions = new FakeSessions();
        AtomicLong bClock = offset();
        ClusterNode a = start("a", "run1", aSessions, offset());
        ClusterNode b = start("b", "run1", new FakeSessions(), bClock);
        aSessions.online.add(alice);
        a.devices.online(alice);
        await("b locates alice on a", () -> b.devices.locate(alice) != null);
        a.stop(false); // kill -9: the entry stays in the bucket
        nodes.remove(a);
        bClock.addAndGet(TimeUnit.MILLISECONDS.toNanos(DEAD_AFTER_MS));
        assertNull(b.devices.locate(alice), "a login held by a dead node is not a location");
        bClock.set(0);
        ClusterNode a2 = start("a", "run2", new FakeSessions(), offset()); // restarted, alice not back
        await("a's next run clears its old logins", () -> b.devices.devicesOf(alice.user()).isEmpty()
                && b.devices.locate(alice) == null && b.membership.isLive("a", "run2"));
        assertNull(a2.devices.locate(alice));
    }

    @Test
    void aNodeWritesTheLoginsItAlreadyHeldWhenItJoins() throws Exception {
        FakeSessions aSessions = new FakeSessions();
        aSessions.online.add(alice); // logged in before the cluster bundle started (or during its swap)
        ClusterNode b = start("b", "run1", new FakeSessions(), offset());
        start("a", "run1", aSessions, offset());
        await("b locates alice on a", () -> b.devices.locate(alice) != null);
        assertEquals("a", b.devices.locate(alice).node());
    }
}
