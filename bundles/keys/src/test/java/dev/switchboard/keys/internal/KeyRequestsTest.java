package dev.switchboard.keys.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyRequestsTest {

    private static final Address ALICE = new Address("1001", 0);
    private static final Address ALICE_PHONE = new Address("1001", 1);
    private static final Address ALICE_LAPTOP = new Address("1001", 2);
    private static final Address BOB = new Address("2002", 0);
    private static final Set<Address> LINKED = Set.of(ALICE, ALICE_PHONE, ALICE_LAPTOP, BOB);

    private MemoryKeyStore store;
    private KeyRequests requests;
    private final AccountService accounts = accounts();

    @BeforeEach
    void open() {
        store = new MemoryKeyStore(LINKED);
        requests = new KeyRequests(store, config(3, 5));
    }

    private static AccountService accounts() {
        return (AccountService) Proxy.newProxyInstance(KeyRequestsTest.class.getClassLoader(), new Class<?>[] {AccountService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("devices")) {
                        return LINKED.stream().filter(d -> d.user().equals(args[0])).sorted((a, b) -> a.device() - b.device())
                                .map(d -> new DeviceRecord(d, 0)).toList();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static KeysConfiguration config(int burst, int lowWater) {
        return (KeysConfiguration) Proxy.newProxyInstance(KeyRequestsTest.class.getClassLoader(), new Class<?>[] {KeysConfiguration.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "fetchBurst" -> burst;
                    case "fetchesPerMinute" -> 1;
                    case "lowWater" -> lowWater;
                    default -> method.getDefaultValue();
                });
    }

    private static String b64(int n, int seed) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) seed);
        return Base64.getEncoder().encodeToString(b);
    }

    private static Node upload(int identitySeed, int firstPreKey, int preKeys) {
        List<Node> children = new ArrayList<>();
        children.add(Node.of("signed", "id", "1", "key", b64(33, 1), "sig", b64(64, 2)));
        children.add(Node.of("kyber", "id", "2", "key", b64(1569, 3), "sig", b64(64, 4)));
        for (int i = firstPreKey; i < firstPreKey + preKeys; i++) {
            children.add(Node.of("pre", "id", Integer.toString(i), "key", b64(33, i)));
        }
        return new Node("keys", Map.of("op", "upload", "id", "u", "reg", "77", "identity", b64(33, identitySeed)), children, null);
    }

    private KeyRequests.Outcome perform(Address from, Node request) {
        return requests.perform(from, request, accounts);
    }

    @Test
    void uploadedPreKeysAreCountedAndEachFetchTakesOnePerOtherDevice() {
        assertEquals("8", perform(ALICE_PHONE, upload(9, 1, 8)).answer().attr("count"));
        assertEquals("3", perform(ALICE_LAPTOP, upload(8, 1, 3)).answer().attr("count"));
        perform(ALICE, upload(7, 1, 8));
        Node result = perform(BOB, Node.of("keys", "op", "fetch", "id", "f", "user", "1001")).answer();
        assertEquals("f", result.attr("id"));
        assertNull(result.attr("error"));
        assertEquals(List.of("0", "1", "2"), result.children().stream().map(b -> b.attr("device")).toList());
        assertTrue(result.children().stream().allMatch(b -> "1".equals(b.attr("pre-id")) && "77".equals(b.attr("reg"))));
        assertEquals("true", result.children().get(0).attr("kyber-last-resort"), "no one-time Kyber keys: the last-resort one");
        Node own = perform(ALICE, Node.of("keys", "op", "fetch", "id", "g", "user", "1001")).answer();
        assertEquals(List.of("1", "2"), own.children().stream().map(b -> b.attr("device")).toList(),
                "a device fetching its own account's keys gets its other devices' bundles");
        assertEquals("6", perform(ALICE_PHONE, Node.of("keys", "op", "count", "id", "c")).answer().attr("count"));
        assertEquals(List.of("2002"), store.keyContacts("1001"), "bob is told when alice's keys change");
    }

    @Test
    void exhaustedPreKeysFallBackToTheSignedPreKeyAndTheDeviceIsToldToUploadMore() {
        perform(ALICE, upload(7, 1, 6));
        KeyRequests.Outcome first = perform(BOB, Node.of("keys", "op", "fetch", "id", "f", "user", "1001", "device", "0"));
        assertEquals("1", first.answer().children().get(0).attr("pre-id"));
        assertEquals(Map.of(), first.notices(), "5 left: not below the low water mark");
        KeyRequests.Outcome second = perform(BOB, Node.of("keys", "op", "fetch", "id", "f", "user", "1001", "device", "0"));
        assertEquals("4", second.notices().get(ALICE).attr("count"), "below 5: the device is told");
        assertEquals("prekeys-low", second.notices().get(ALICE).attr("type"));
        store.takeBundle(ALICE);
        store.takeBundle(ALICE);
        store.takeBundle(ALICE);
        store.takeBundle(ALICE);
        Node bundle = perform(BOB, Node.of("keys", "op", "fetch", "id", "f", "user", "1001", "device", "0")).answer().children().get(0);
        assertNull(bundle.attr("pre-id"), "exhausted: no one-time prekey");
        assertEquals("1", bundle.attr("signed-id"));
        assertNotNull(bundle.attr("signed-sig"));
    }

    @Test
    void fetchesAreRateLimitedPerRequestingDevice() {
        perform(ALICE, upload(7, 1, 20));
        for (int i = 0; i < 3; i++) {
            assertNull(perform(BOB, Node.of("keys", "op", "fetch", "id", "f", "user", "1001")).answer().attr("error"));
        }
        Node refused = perform(BOB, Node.of("keys", "op", "fetch", "id", "f", "user", "1001")).answer();
        assertEquals("rate-limited", refused.attr("error"));
        assertTrue(Long.parseLong(refused.attr("retry-after")) > 0);
        assertEquals(17, store.oneTimePreKeyCount(ALICE)[0], "a refused fetch takes nothing");
        assertNull(perform(ALICE_PHONE, Node.of("keys", "op", "fetch", "id", "f", "user", "1001")).answer().attr("error"),
                "another requester has its own bucket");
    }

    @Test
    void badRequestsSayWhatWasWrongAndChangeNothing() {
        assertEquals("bad-request", perform(ALICE, Node.of("keys", "op", "upload", "id", "u", "identity", "!!", "reg", "1")).answer().attr("error"));
        Node noSigned = perform(ALICE, Node.of("keys", "op", "upload", "id", "u", "identity", b64(33, 1), "reg", "1")).answer();
        assertEquals("an identity needs its signed prekey", noSigned.attr("text"));
        assertEquals("bad-request", perform(ALICE, Node.of("keys", "op", "steal", "id", "x")).answer().attr("error"));
        assertEquals("bad-request", perform(ALICE, Node.of("keys", "op", "fetch", "id", "x", "user", "robert")).answer().attr("error"));
        assertEquals("no-such-user", perform(ALICE, Node.of("keys", "op", "fetch", "id", "x", "user", "3003")).answer().attr("error"));
        Node tooLong = upload(7, 1, 1).with("identity", b64(65, 1));
        assertEquals("identity must have 1 to 64 bytes", perform(ALICE, tooLong).answer().attr("text"));
        assertTrue(store.deviceKeys(ALICE).isEmpty());
        Node preKeysFirst = new Node("keys", Map.of("op", "upload", "id", "u"), List.of(Node.of("pre", "id", "1", "key", b64(33, 1))), null);
        assertEquals("upload an identity first", perform(ALICE, preKeysFirst).answer().attr("text"));
    }

    @Test
    void onlyThePrimaryDeviceSignsTheDeviceListAndANewIdentityTellsContacts() {
        assertEquals("forbidden", perform(ALICE_PHONE, Node.withContent("keys", new byte[] {1, 2}, "op", "device-list", "id", "d"))
                .answer().attr("error"));
        KeyRequests.Outcome stored = perform(ALICE, Node.withContent("keys", new byte[] {1, 2}, "op", "device-list", "id", "d"));
        assertNull(stored.answer().attr("error"));
        assertEquals(List.of("1001"), stored.tellContactsOf());
        Node read = perform(BOB, Node.of("keys", "op", "device-list", "id", "r", "user", "1001")).answer();
        assertArrayEquals(new byte[] {1, 2}, read.content());
        assertEquals("0,1,2", read.attr("devices"));
        assertEquals(List.of(), perform(ALICE, upload(7, 1, 2)).tellContactsOf(), "a first identity is news to no one");
        assertEquals(List.of(), perform(ALICE, upload(7, 3, 2)).tellContactsOf(), "more prekeys, same identity");
        KeyRequests.Outcome reinstalled = perform(ALICE, upload(6, 1, 2));
        assertEquals(List.of("1001"), reinstalled.tellContactsOf());
        assertEquals("2", reinstalled.answer().attr("count"), "the old identity's prekeys went with it");
    }
}
