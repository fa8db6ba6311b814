package dev.switchboard.cluster.internal;

import static dev.switchboard.cluster.internal.NatsServer.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stanzas handed to devices logged in on another node, through the real NATS. */
class RemoteDeliveryTest {

    private final Address alice = new Address("15550002", 0);
    private final Address bob = new Address("15550003", 0);
    private final List<ClusterNode> nodes = new ArrayList<>();
    private final FakeSessions aSessions = new FakeSessions();
    private final FakeSessions bSessions = new FakeSessions();
    private String prefix;
    private ClusterNode a;
    private ClusterNode b;

    @BeforeEach
    void twoNodes() throws Exception {
        NatsServer.link("probe").close();
        prefix = NatsServer.freshPrefix();
        a = start("a", aSessions);
        b = start("b", bSessions);
        bSessions.online.add(alice);
        b.devices.online(alice);
        await("a locates alice on b", () -> a.devices.locate(alice) != null);
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.forEach(n -> n.stop(true));
        NatsServer.dropBuckets(prefix);
    }

    private ClusterNode start(String name, FakeSessions sessions) throws Exception {
        AtomicLong offset = new AtomicLong();
        ClusterNode n = new ClusterNode(new ClusterSettings(name, NatsServer.URL, prefix, "", 100, 600), sessions, "run1",
                () -> System.nanoTime() + offset.get());
        nodes.add(n);
        return n;
    }

    @Test
    void aStanzaForADeviceOnAnotherNodeReachesItsSessionThere() {
        Node stanza = Node.withContent("message", new byte[] {1, 2, 3}, "from", "15550009/0", "seq", "12");
        assertTrue(a.remote.deliver(alice, 0, stanza));
        assertTrue(a.remote.deliver(alice, FakeSessions.SESSION, stanza.with("seq", "13")));
        await("b's transport has both", () -> bSessions.delivered.size() == 2);
        assertEquals(alice + " " + stanza, bSessions.delivered.get(0));
        assertFalse(a.remote.deliver(alice, FakeSessions.SESSION + 1, stanza), "a session the device no longer has");
        assertFalse(a.remote.deliver(bob, 0, stanza), "a device logged in nowhere");
        assertFalse(b.remote.deliver(alice, 0, stanza), "a device logged in here is the transport's, not the cluster's");
        assertFalse(RemoteDelivery.here(() -> a.remote.deliver(alice, 0, stanza)), "what a node hands its own transport stays there");
    }

    @Test
    void theDevicesOfAUserElsewhereAndAClose() {
        assertEquals(List.of(alice), a.remote.devicesOf(alice.user()));
        assertEquals(List.of(), b.remote.devicesOf(alice.user()), "b's own devices are its transport's");
        assertTrue(a.remote.close(alice, "disconnected by an operator"));
        await("b closes alice's session", () -> !bSessions.closed.isEmpty());
        assertEquals(List.of(alice + " disconnected by an operator"), bSessions.closed);
        assertFalse(a.remote.close(bob, "nobody"));
    }

    @Test
    void aDeviceThatLogsOutIsNoLongerReachedThere() {
        bSessions.online.remove(alice);
        b.devices.offline(alice);
        await("a forgets alice", () -> a.devices.locate(alice) == null);
        assertFalse(a.remote.deliver(alice, 0, Node.of("presence", "from", "15550009")));
        assertEquals(List.of(), a.remote.devicesOf(alice.user()));
    }
}
