package dev.switchboard.transport.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.auth.internal.AuthConfiguration;
import dev.switchboard.auth.internal.AuthComponent;
import dev.switchboard.auth.internal.MemoryAccountStore;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.offline.internal.MemoryMessageJournal;
import dev.switchboard.offline.internal.OfflineConfiguration;
import dev.switchboard.offline.internal.OfflineQueues;
import dev.switchboard.protocol.binary.wire.BinaryWire;
import dev.switchboard.routing.internal.RouterComponent;
import dev.switchboard.routing.internal.RoutingConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport over real loopback sockets, wired by hand instead of by DS. */
class TransportTest {

    private SessionRegistry registry;
    private TransportComponent transport;
    private RouterComponent router;
    private final BinaryWire codec = new BinaryWire();
    private final MemoryAccountStore accounts = new MemoryAccountStore();
    private final AuthComponent auth = new AuthComponent(accounts, new StateVaultComponent(),
            Configs.of(AuthConfiguration.class, Map.of()));

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path keys;

    @BeforeEach
    void start() throws Exception {
        registry = new SessionRegistry();
        transport = new TransportComponent(registry, Map.of("port", 0, "graceSeconds", 2, "maxFrameBytes", 4096), keys);
        router = newRouter();
        transport.bindCodec(codec);
        transport.bindAuthenticator(auth);
        transport.bindRouter(router);
    }

    private final StateVaultComponent vault = new StateVaultComponent();
    private final MemoryMessageJournal journal = new MemoryMessageJournal();
    private OfflineQueues offline;

    private RouterComponent newRouter() throws Exception {
        if (offline == null) {
            offline = new OfflineQueues(journal, vault, Configs.of(OfflineConfiguration.class, Map.of()));
        }
        RouterComponent r = new RouterComponent(registry, vault, Configs.of(RoutingConfiguration.class, Map.of()));
        r.bindOffline(offline);
        r.bindAccounts(auth);
        return r;
    }

    @AfterEach
    void stop() throws Exception {
        router.deactivateForTest();
        offline.deactivateForTest();
        transport.deactivate();
        registry.deactivate();
    }

    private SwitchboardClient login(String user) throws Exception {
        if (accounts.devices(user).isEmpty()) {
            auth.register(user, "pw-" + user + "-secret");
        }
        SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", transport.port());
        c.login(user, 0, "pw-" + user + "-secret");
        return c;
    }

    @Test
    void messageReachesTheRecipientAndTheSenderGetsAnAck() throws Exception {
        try (SwitchboardClient a = login("1001"); SwitchboardClient b = login("1002")) {
            Node ack = a.send("1002", "m1", "hi".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
            assertNull(ack.attr("error"));
            Node m = b.incoming().poll(5, TimeUnit.SECONDS);
            assertEquals("1001/0", m.attr("from"));
            assertEquals("m1", m.attr("id"));
            assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), m.content());
        }
    }

    @Test
    void offlineRecipientGetsItsMessagesAtLoginInOrder() throws Exception {
        login("1999").close();
        try (SwitchboardClient a = login("1001")) {
            for (int i = 1; i <= 3; i++) {
                assertNull(a.send("1999", "m" + i, new byte[] {(byte) i}).get(5, TimeUnit.SECONDS).attr("error"));
            }
            try (SwitchboardClient b = login("1999")) {
                for (int i = 1; i <= 3; i++) {
                    assertEquals("m" + i, b.incoming().poll(5, TimeUnit.SECONDS).attr("id"));
                }
                Node delivered = a.incoming().poll(5, TimeUnit.SECONDS);
                assertEquals("receipt", delivered.tag());
                assertEquals("delivered", delivered.attr("type"));
                assertEquals("m1", delivered.attr("id"));
            }
        }
    }

    /** The router's hand-out of a queue names the session it is for (RouterComponentTest has the race). */
    @Test
    void aStanzaForADevicesReplacedSessionNeverReachesItsNewOne() throws Exception {
        Address device = new Address("1003", 0);
        try (SwitchboardClient first = login("1003")) {
            long firstSession = registry.sessionOf(device);
            assertNotEquals(0, firstSession, "a logged-in device has a session id");
            try (SwitchboardClient second = login("1003")) {
                long secondSession = registry.sessionOf(device);
                assertNotEquals(firstSession, secondSession, "the login elsewhere is a new session");
                assertFalse(registry.deliver(device, firstSession, Node.of("notification", "type", "old", "seq", "900001")));
                assertTrue(registry.deliver(device, secondSession, Node.of("notification", "type", "new", "seq", "900002")));
                Node got;
                do {
                    got = second.incoming().poll(5, TimeUnit.SECONDS);
                    assertNotNull(got, "the stanza for the current session arrives");
                } while (!"notification".equals(got.tag()));
                assertEquals("new", got.attr("type"), "only the stanza for the new session, never the old one's");
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (registry.sessionOf(device) != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the server learns of the close on its I/O thread
        }
        assertEquals(0, registry.sessionOf(device), "no session once both are closed");
    }

    /** What the cluster bundle would do: hold the devices of other nodes and record what it is handed. */
    private static final class OtherNodes implements dev.switchboard.api.cluster.RemoteSessions {
        final java.util.List<String> handed = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.List<Address> there = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public boolean deliver(Address to, long session, Node stanza) {
            if (!there.contains(to)) {
                return false;
            }
            handed.add(to + " " + session + " " + stanza.tag());
            return true;
        }

        @Override
        public java.util.List<Address> devicesOf(String user) {
            return there.stream().filter(a -> a.user().equals(user)).toList();
        }

        @Override
        public boolean close(Address device, String reason) {
            handed.add("close " + device + " " + reason);
            return there.contains(device);
        }
    }

    @Test
    void whatIsForADeviceOnAnotherNodeGoesToTheClusterAndWhatIsHereNever() throws Exception {
        OtherNodes others = new OtherNodes();
        Address phone = new Address("1007", 1);   // logged in on another node
        Address laptop = new Address("1007", 0);  // logged in here
        others.there.add(phone);
        others.there.add(laptop); // a stale entry elsewhere: here wins
        registry.remote = others;
        try (SwitchboardClient here = login("1007")) {
            assertTrue(registry.deliver(phone, Node.of("presence", "from", "1008")));
            assertTrue(registry.deliver(phone, 42, Node.of("message", "seq", "5")));
            assertEquals(java.util.List.of(phone + " 0 presence", phone + " 42 message"), others.handed);
            assertTrue(registry.deliver(laptop, Node.of("presence", "from", "1008")));
            assertEquals(2, others.handed.size(), "a device connected here is written here");
            assertEquals(java.util.List.of(laptop, phone), registry.devicesOf("1007"));
            assertFalse(registry.deliver(new Address("1009", 0), Node.of("presence")), "logged in nowhere");
            assertTrue(registry.close(phone, "bye"));
            assertEquals("close " + phone + " bye", others.handed.get(2));
            registry.remote = null;
            assertFalse(registry.deliver(phone, Node.of("presence")), "alone again: only what is here");
            assertEquals(java.util.List.of(laptop), registry.devicesOf("1007"));
            assertNotNull(here);
        }
    }

    /** A cluster where one account's lane is another node's, one is unplaceable, and the rest are taken here. */
    private static final class Lanes implements dev.switchboard.api.cluster.LaneOwnership {
        @Override
        public dev.switchboard.api.cluster.LaneOwner owner(String user) {
            return switch (user) {
                case "1010" -> new dev.switchboard.api.cluster.LaneOwner("n2", false, "127.0.0.1:5202");
                case "1011" -> null;
                default -> new dev.switchboard.api.cluster.LaneOwner("n1", true, null);
            };
        }

        @Override
        public dev.switchboard.api.cluster.LaneOwner claim(String user) {
            return owner(user);
        }

        @Override
        public java.util.concurrent.CompletionStage<Node> forward(dev.switchboard.api.cluster.LaneOwner owner, Address from, Node stanza) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> queue(dev.switchboard.api.cluster.LaneOwner owner,
                                                                java.util.List<dev.switchboard.api.store.QueuedMessage> copies) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void inAClusterADeviceLogsInWhereItsAccountsLaneIsOrIsSentThere() throws Exception {
        login("1010").close(); // the account exists (registered before the cluster was bound)
        login("1011").close();
        registry.lanes = new Lanes();
        try {
            ClientException moved = assertThrows(ClientException.class, () -> login("1010"));
            assertEquals("see-other-host", moved.code());
            assertTrue(moved.getMessage().contains("node n2 at 127.0.0.1:5202"), moved.getMessage());
            ClientException unplaced = assertThrows(ClientException.class, () -> login("1011"));
            assertEquals("unavailable", unplaced.code());
            try (SwitchboardClient here = login("1012")) {
                assertTrue(here.isOpen(), "an account whose lane is this node's logs in as always");
            }
        } finally {
            registry.lanes = null;
        }
    }

    @Test
    void unknownRecipientGivesAnErrorAck() throws Exception {
        try (SwitchboardClient a = login("1001")) {
            assertEquals("bad-recipient", a.send("1888", "m1", new byte[1]).get(5, TimeUnit.SECONDS).attr("error"));
        }
    }

    @Test
    void wrongPasswordIsRefusedWithACode() throws Exception {
        login("1001").close();
        try (SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", transport.port())) {
            ClientException e = assertThrows(ClientException.class, () -> c.login("1001", 0, "nope-nope"));
            assertEquals("not-authorized", e.code());
            assertFalse(c.closed().get(5, TimeUnit.SECONDS).tag().isEmpty());
        }
    }

    @Test
    void resumeTokenLogsInWithoutThePassword() throws Exception {
        String token;
        try (SwitchboardClient c = login("1005")) {
            token = c.token();
            assertNotNull(token);
        }
        try (SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", transport.port())) {
            c.resume("1005", 0, token);
            assertEquals("1005", c.user());
        }
    }

    @Test
    void malformedFrameClosesOnlyThatConnection() throws Exception {
        try (SwitchboardClient a = login("1001"); SwitchboardClient b = login("1002"); SwitchboardClient bad = login("1003")) {
            bad.writeRaw(new byte[] {3, 0x00, (byte) 0xE5, 0x01});
            Node error = bad.closed().get(5, TimeUnit.SECONDS);
            assertEquals("unknown-token", error.attr("code"));
            assertNull(a.send("1002", "after", new byte[1]).get(5, TimeUnit.SECONDS).attr("error"));
            assertTrue(a.isOpen() && b.isOpen());
        }
    }

    /**
     * Random bytes where a Noise handshake should be (seeded, 40 connections): a wrong pattern, a
     * message too short for its keys, or junk that parses as an XX first message and then never
     * goes on. The server survives all of it and the logged-in connections carry on.
     */
    @Test
    void garbageHandshakesCostNoOneElseAnything() throws Exception {
        java.util.Random random = new java.util.Random(15);
        try (SwitchboardClient a = login("1001"); SwitchboardClient b = login("1002")) {
            for (int i = 0; i < 40; i++) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", transport.port())) {
                    byte[] junk = new byte[random.nextInt(120)];
                    random.nextBytes(junk);
                    int pattern = i % 3 == 0 ? random.nextInt(256) : 1 + i % 2;
                    java.io.OutputStream out = s.getOutputStream();
                    out.write(new byte[] {'S', 'E', 1, (byte) pattern, (byte) (junk.length >>> 8), (byte) junk.length});
                    out.write(junk);
                    out.flush();
                }
            }
            assertNull(a.send("1002", "after-garbage", new byte[1]).get(5, TimeUnit.SECONDS).attr("error"));
            assertEquals("after-garbage", b.incoming().poll(5, TimeUnit.SECONDS).attr("id"));
            try (SwitchboardClient c = login("1003")) {
                assertTrue(c.isOpen(), "a new client still gets in");
            }
        }
    }

    @Test
    void oversizedFrameClosesOnlyThatConnection() throws Exception {
        try (SwitchboardClient a = login("1001"); SwitchboardClient big = login("1004")) {
            assertEquals(4096, big.maxFrame(), "the limit is told at login");
            // the SDK refuses it itself; a client that writes it anyway is closed
            big.write(Node.withContent("message", new byte[10_000], "to", "1001", "id", "huge"));
            assertEquals("frame-too-large", big.closed().get(5, TimeUnit.SECONDS).attr("code"));
            assertTrue(a.isOpen());
        }
    }

    @Test
    void missingRouterHoldsMessagesUntilItReturns() throws Exception {
        try (SwitchboardClient a = login("1001"); SwitchboardClient b = login("1002")) {
            RouterComponent old = router;
            transport.unbindRouter(old);
            old.deactivateForTest();
            var ack = a.send("1002", "held", new byte[] {7});
            assertNull(b.incoming().poll(300, TimeUnit.MILLISECONDS));
            router = newRouter();
            transport.bindRouter(router);
            assertNull(ack.get(5, TimeUnit.SECONDS).attr("error"));
            assertEquals("held", b.incoming().poll(5, TimeUnit.SECONDS).attr("id"));
            assertTrue(a.isOpen());
        }
    }

    @Test
    void missingCodecHoldsBytesAndRepliesUntilItReturns() throws Exception {
        try (SwitchboardClient a = login("1001"); SwitchboardClient b = login("1002")) {
            transport.unbindCodec(codec);
            var ack = a.send("1002", "held", new byte[] {7});
            assertNull(b.incoming().poll(300, TimeUnit.MILLISECONDS));
            BinaryWire next = new BinaryWire();
            transport.bindCodec(next);
            assertNull(ack.get(5, TimeUnit.SECONDS).attr("error"));
            assertEquals("held", b.incoming().poll(5, TimeUnit.SECONDS).attr("id"));
        }
    }

    @Test
    void connectionWaitingLongerThanTheGracePeriodIsClosedWithAReason() throws Exception {
        try (SwitchboardClient a = login("1001")) {
            transport.unbindRouter(router);
            a.send("1002", "stuck", new byte[1]);
            assertEquals("service-unavailable", a.closed().get(10, TimeUnit.SECONDS).attr("code"));
            transport.bindRouter(router);
        }
    }
}
