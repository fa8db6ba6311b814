package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.keys.KeyDirectory;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.offline.internal.MemoryMessageJournal;
import dev.switchboard.offline.internal.OfflineConfiguration;
import dev.switchboard.offline.internal.OfflineQueues;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Encrypted messages through the real router and offline store (memory journal): coverage is
 * checked against the devices with keys, each device is queued only its own ciphertext.
 */
class EncryptedFanOutTest {

    private static final Address ALICE = new Address("1001", 0);
    private static final Address ALICE_LAPTOP = new Address("1001", 1);
    private static final Address BOB = new Address("2002", 0);
    private static final Address BOB_PHONE = new Address("2002", 1);
    private static final Address BOB_TABLET = new Address("2002", 2);
    /** Bob's XMPP client: linked, but it never uploaded keys. */
    private static final Address BOB_XMPP = new Address("2002", 3);
    private static final Address CAROL = new Address("3003", 0);

    private final Map<String, List<Integer>> linked = new ConcurrentHashMap<>(Map.of(
            "1001", List.of(0, 1), "2002", List.of(0, 1, 2, 3), "3003", List.of(0)));
    private final Map<String, Set<Integer>> keyed = new ConcurrentHashMap<>(Map.of(
            "1001", Set.of(0, 1), "2002", Set.of(0, 1, 2)));
    /** Registration ids: 100 + the device number. */
    private final KeyDirectory keys = user -> keyed.getOrDefault(user, Set.of()).stream()
            .collect(java.util.stream.Collectors.toMap(d -> d, d -> 100 + d));
    private final HandedStanzas handed = new HandedStanzas();
    private final Map<Address, String> takenSeqs = new ConcurrentHashMap<>();
    private OfflineQueues offline;
    private RouterComponent router;

    @BeforeEach
    void start() throws Exception {
        StateVault vault = RoutingFakes.vault();
        offline = new OfflineQueues(new MemoryMessageJournal(), vault, RoutingFakes.defaults(OfflineConfiguration.class));
        router = new RouterComponent(directory(), vault, RoutingFakes.defaults(RoutingConfiguration.class));
        router.bindOffline(offline);
        router.bindAccounts(accounts());
        router.bindKeys(keys);
        router.bindGroups(groups());
        for (Address d : List.of(ALICE, ALICE_LAPTOP, BOB, BOB_PHONE, BOB_TABLET, BOB_XMPP, CAROL)) {
            router.deviceOnline(d);
        }
    }

    @AfterEach
    void stop() throws Exception {
        router.deactivateForTest();
        offline.deactivateForTest();
    }

    private static Node enc(Address device, String type, String ciphertext) {
        return Node.withContent("enc", ciphertext.getBytes(StandardCharsets.UTF_8), "device", device.toString(), "type", type);
    }

    private static Node encrypted(String to, String id, Node... ciphertexts) {
        return new Node("message", Map.of("to", to, "id", id, "e2e", "1"), List.of(ciphertexts), null);
    }

    @Test
    void eachDeviceWithKeysGetsOnlyItsOwnCiphertextAndTheSendersOtherDeviceItsCopy() throws Exception {
        assertTrue(router.route(ALICE, encrypted(BOB.user(), "m1", enc(BOB, "pkmsg", "for-bob-0"), enc(BOB_PHONE, "msg", "for-bob-1"),
                enc(BOB_TABLET, "msg", "for-bob-2"), enc(ALICE_LAPTOP, "msg", "for-alice-1"))));
        assertNull(take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"));
        for (Object[] expect : new Object[][] {{BOB, "for-bob-0", "pkmsg"}, {BOB_PHONE, "for-bob-1", "msg"},
                {BOB_TABLET, "for-bob-2", "msg"}, {ALICE_LAPTOP, "for-alice-1", "msg"}}) {
            Node copy = take(1, (Address) expect[0], n -> n.tag().equals("message")).get(0);
            assertEquals(expect[1], new String(copy.content(), StandardCharsets.UTF_8), "only its own ciphertext");
            assertEquals(expect[2], copy.attr("type"));
            assertEquals("1", copy.attr("e2e"));
            assertEquals("m1", copy.attr("id"));
            assertEquals(ALICE.toString(), copy.attr("from"));
            assertEquals(expect[0] == ALICE_LAPTOP ? BOB.user() : null, copy.attr("to"), "the sender's device is told the conversation");
            assertTrue(copy.children().isEmpty(), "no other device's ciphertext travels along");
        }
        assertEquals(0, offline.depth(BOB_XMPP), "a device without keys cannot decrypt: it gets nothing");

        router.route(ALICE_LAPTOP, Node.of("received", "seq", seqOf(ALICE_LAPTOP)));
        awaitDepth(ALICE_LAPTOP, 0);
        assertEquals(0, offline.depth(ALICE), "the sender's own copy confirmed: no delivered receipt to itself");
        router.route(BOB_PHONE, Node.of("received", "seq", seqOf(BOB_PHONE)));
        Node receipt = take(1, ALICE, n -> n.tag().equals("receipt") && n.attr("seq") != null).get(0);
        assertEquals("delivered", receipt.attr("type"));
        assertEquals(BOB_PHONE.toString(), receipt.attr("from"));
    }

    @Test
    void missingAndExtraDevicesAreNamedAndNothingIsQueuedUntilTheResendCoversThem() throws Exception {
        router.route(ALICE, encrypted(BOB.user(), "m2", enc(BOB, "msg", "a"), enc(BOB_PHONE, "msg", "b"),
                enc(new Address("2002", 9), "msg", "c")));
        Node ack = take(1, ALICE, n -> n.tag().equals("ack")).get(0);
        assertEquals("mismatched-devices", ack.attr("error"));
        assertEquals("2002/2 1001/1", ack.attr("missing"), "bob's tablet and alice's own laptop");
        assertEquals("2002/9", ack.attr("extra"));
        assertEquals(0, offline.depth(BOB), "a refused message is queued nowhere");

        router.route(ALICE, encrypted(BOB.user(), "m2", enc(BOB, "msg", "a"), enc(BOB_PHONE, "msg", "b"),
                enc(BOB_TABLET, "msg", "c"), enc(ALICE_LAPTOP, "msg", "d")));
        assertNull(take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"), "the same id, covered now: accepted");
        take(1, BOB_TABLET, n -> n.tag().equals("message"));
        router.route(ALICE, encrypted(BOB.user(), "m2", enc(BOB, "msg", "a"), enc(BOB_PHONE, "msg", "b"),
                enc(BOB_TABLET, "msg", "c"), enc(ALICE_LAPTOP, "msg", "d")));
        assertNull(take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"));
        assertEquals(1, offline.depth(BOB_TABLET), "a resend of an accepted message is answered, not queued again");
    }

    @Test
    void aNewlyKeyedDeviceMakesTheNextSendFail() throws Exception {
        keyed.put("2002", Set.of(0, 1, 2, 3));
        router.route(ALICE, encrypted(BOB.user(), "m3", enc(BOB, "msg", "a"), enc(BOB_PHONE, "msg", "b"),
                enc(BOB_TABLET, "msg", "c"), enc(ALICE_LAPTOP, "msg", "d")));
        Node ack = take(1, ALICE, n -> n.tag().equals("ack")).get(0);
        assertEquals("mismatched-devices", ack.attr("error"));
        assertEquals("2002/3", ack.attr("missing"));
        assertNull(ack.attr("extra"));
    }

    @Test
    void aCiphertextForAnOlderRegistrationOfADeviceIsNamedStale() throws Exception {
        router.route(ALICE, encrypted(BOB.user(), "m4", enc(BOB, "msg", "a").with("reg", "100"), enc(BOB_PHONE, "msg", "b").with("reg", "7"),
                enc(BOB_TABLET, "msg", "c"), enc(ALICE_LAPTOP, "msg", "d").with("reg", "101")));
        Node ack = take(1, ALICE, n -> n.tag().equals("ack")).get(0);
        assertEquals("mismatched-devices", ack.attr("error"));
        assertEquals("2002/1", ack.attr("stale"), "bob's phone was reinstalled since alice's session with it began");
        assertNull(ack.attr("missing"));
        assertNull(ack.attr("extra"));
        assertEquals(0, offline.depth(BOB));
    }

    @Test
    void malformedOrUndeliverableEncryptedMessagesAreRefusedWithAReason() throws Exception {
        Object[][] cases = {
                {encrypted(CAROL.user(), "x1", enc(CAROL, "msg", "a")), "no-keys"},
                {encrypted("9999", "x2", enc(new Address("9999", 0), "msg", "a")), "bad-recipient"},
                {encrypted(BOB.user(), "x3", Node.of("enc", "device", "2002/0", "type", "msg")), "bad-request"},
                {encrypted(BOB.user(), "x4", enc(BOB, "plain", "a")), "bad-request"},
                {encrypted(BOB.user(), "x5", enc(BOB, "msg", "a"), enc(BOB, "msg", "b")), "bad-request"},
                {encrypted("2002/1", "x6", enc(BOB_PHONE, "msg", "a")), "bad-recipient"},
                {new Node("message", Map.of("to", "2002", "id", "x7", "e2e", "yes"), List.of(), null), "bad-request"},
                {new Node("message", Map.of("to", "g7", "id", "x8", "e2e", "1"), List.of(), "x".getBytes(StandardCharsets.UTF_8)),
                        "bad-request"},
        };
        for (Object[] c : cases) {
            router.route(ALICE, (Node) c[0]);
            Node ack = take(1, ALICE, n -> n.tag().equals("ack")).get(0);
            assertEquals(c[1], ack.attr("error"), ((Node) c[0]).attr("id") + ": " + ack.attr("text"));
            assertNotNull(ack.attr("text"));
        }
        for (Address d : List.of(BOB, BOB_PHONE, BOB_TABLET, CAROL, ALICE_LAPTOP)) {
            assertEquals(0, offline.depth(d));
        }
    }

    @Test
    void aGroupMessageIsOneSenderKeyCiphertextForEveryMemberDeviceWithKeys() throws Exception {
        byte[] ciphertext = "sender-key-ciphertext".getBytes(StandardCharsets.UTF_8);
        router.route(ALICE, new Node("message", Map.of("to", "g7", "id", "g1", "e2e", "1", "type", "skmsg"), List.of(), ciphertext));
        assertNull(take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"));
        for (Address d : List.of(ALICE_LAPTOP, BOB, BOB_PHONE, BOB_TABLET)) {
            Node copy = take(1, d, n -> n.tag().equals("message")).get(0);
            assertArrayEquals(ciphertext, copy.content());
            assertEquals("skmsg", copy.attr("type"));
            assertEquals("g7", copy.attr("group"));
            assertEquals("1", copy.attr("e2e"));
        }
        assertEquals(0, offline.depth(BOB_XMPP));
        assertEquals(0, offline.depth(CAROL), "carol has no keys");
    }

    @Test
    void withoutAKeyDirectoryAnEncryptedMessageWaits() {
        router.unbindKeys(keys);
        assertFalse(router.route(ALICE, encrypted(BOB.user(), "w1", enc(BOB, "msg", "a"))), "the transport keeps it until keys return");
        assertTrue(router.route(ALICE, Node.withContent("message", new byte[] {1}, "to", BOB.user(), "id", "w2")),
                "plain messages do not wait for keys");
    }

    /** The seq of the last message a device was handed. */
    private String seqOf(Address device) {
        return takenSeqs.get(device);
    }

    private void awaitDepth(Address device, int depth) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (offline.depth(device) != depth && System.nanoTime() < deadline) {
            handed.awaitAny(10);
        }
        assertEquals(depth, offline.depth(device));
    }

    private List<Node> take(int count, Address to, Predicate<Node> wanted) throws InterruptedException {
        return handed.take(count, to, wanted);
    }

    private SessionDirectory directory() {
        return new RoutingFakes.Directory() {
            @Override
            public boolean deliver(Address to, Node stanza) {
                if (stanza.attr("seq") != null && stanza.tag().equals("message")) {
                    takenSeqs.put(to, stanza.attr("seq"));
                }
                handed.add(to, stanza);
                return true;
            }

            @Override
            public List<Address> devicesOf(String user) {
                return linked.getOrDefault(user, List.of()).stream().map(d -> new Address(user, d)).toList();
            }
        };
    }

    private AccountService accounts() {
        return (AccountService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AccountService.class}, (p, m, a) -> {
            if (m.getName().equals("devices")) {
                String user = (String) a[0];
                return linked.getOrDefault(user, List.of()).stream().map(d -> new DeviceRecord(new Address(user, d), 0)).toList();
            }
            throw new IllegalStateException(m.getName() + " is not used here");
        });
    }

    private static GroupDirectory groups() {
        return (GroupDirectory) Proxy.newProxyInstance(EncryptedFanOutTest.class.getClassLoader(), new Class<?>[] {GroupDirectory.class},
                (p, m, a) -> {
                    if (m.getName().equals("members")) {
                        return "g7".equals(a[0]) ? Optional.of(List.of("1001", "2002", "3003")) : Optional.empty();
                    }
                    throw new IllegalStateException(m.getName() + " is not used here");
                });
    }
}
