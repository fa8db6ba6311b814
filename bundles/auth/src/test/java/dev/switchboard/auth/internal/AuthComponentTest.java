package dev.switchboard.auth.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountException.Reason;
import dev.switchboard.api.auth.Authenticator.LoginStep;
import dev.switchboard.api.auth.Authenticator.LoginStep.Outcome;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.StoredCredential;
import dev.switchboard.client.scram.ScramClient;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Login steps and account rules, over an in-memory store (the SQL store has its own tests). */
class AuthComponentTest {

    private final MemoryAccountStore store = new MemoryAccountStore();
    private final StateVault vault = new StateVault() {
        private final Map<String, Snapshot> map = new ConcurrentHashMap<>();

        @Override
        public void put(String key, int shapeVersion, Map<String, Object> data) {
            map.put(key, new Snapshot(shapeVersion, data));
        }

        @Override
        public Optional<Snapshot> take(String key) {
            return Optional.ofNullable(map.remove(key));
        }
    };
    private AuthComponent auth = newAuth(Map.of());

    private AuthComponent newAuth(Map<String, Object> values) {
        AuthConfiguration config = (AuthConfiguration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AuthConfiguration.class}, (p, m, a) -> m.getName().equals("annotationType")
                        ? AuthConfiguration.class : values.getOrDefault(m.getName(), m.getDefaultValue()));
        return new AuthComponent(store, vault, config);
    }

    /** Runs a whole SCRAM login; returns the last step. */
    private LoginStep login(String user, int device, String password) {
        return login(user, device, password, "/10.0.0.1:5000");
    }

    private LoginStep login(String user, int device, String password, String remote) {
        ScramClient client = new ScramClient(user + "/" + device, password);
        LoginStep first = auth.login(Map.of(), Node.withContent("auth", bytes(client.clientFirst()),
                "mechanism", "SCRAM-SHA-256", "user", user, "device", String.valueOf(device)), remote);
        if (first.outcome() != Outcome.CONTINUE) {
            return first;
        }
        String clientFinal = client.clientFinal(new String(first.reply().content(), StandardCharsets.UTF_8));
        LoginStep last = auth.login(first.state(), Node.withContent("response", bytes(clientFinal)), remote);
        if (last.outcome() == Outcome.SUCCESS) {
            assertTrue(client.serverVerified(new String(last.reply().content(), StandardCharsets.UTF_8)));
        }
        return last;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linkingUnlinkingAndDeletingTellEveryDeviceListenerEvenWhenOneFails() throws Exception {
        java.util.List<String> told = new java.util.ArrayList<>();
        auth.deviceListeners.add((device, change) -> {
            throw new IllegalStateException("a broken listener");
        });
        auth.deviceListeners.add((device, change) -> told.add(change + " " + device));
        auth.register("15551234567", "correct horse");
        auth.linkDevice(new Address("15551234567", 1), "battery staple");
        assertThrows(AccountException.class, () -> auth.linkDevice(new Address("15551234567", 1), "battery staple"));
        auth.unlinkDevice(new Address("15551234567", 1));
        auth.deleteAccount("15551234567");
        assertEquals(java.util.List.of("LINKED 15551234567/1", "UNLINKED 15551234567/1", "ACCOUNT_DELETED 15551234567/0"), told,
                "each stored change once, a refused one not at all, despite the failing listener");
        assertTrue(store.devices("15551234567").isEmpty(), "a failing listener undoes nothing");
    }

    @Test
    void registeredUserLogsInWithTheRightPasswordOnly() throws Exception {
        auth.register("15551234567", "correct horse");
        LoginStep ok = login("15551234567", 0, "correct horse");
        assertEquals(Outcome.SUCCESS, ok.outcome());
        assertEquals(new Address("15551234567", 0), ok.address());
        assertNotNull(ok.reply().attr("token"));
        assertEquals("not-authorized", login("15551234567", 0, "battery staple").reply().attr("code"));
        assertEquals("not-authorized", login("15550000000", 0, "correct horse").reply().attr("code"));
        assertEquals("not-authorized", login("15551234567", 1, "correct horse").reply().attr("code"));
    }

    @Test
    void storedCredentialRevealsNoPassword() throws Exception {
        auth.register("1", "secret-password");
        auth.register("2", "secret-password");
        StoredCredential a = store.credential(new Address("1", 0)).orElseThrow();
        StoredCredential b = store.credential(new Address("2", 0)).orElseThrow();
        assertEquals("SCRAM-SHA-256", a.mechanism());
        assertFalse(java.util.Arrays.equals(a.salt(), b.salt()));
        assertFalse(java.util.Arrays.equals(a.storedKey(), b.storedKey()));
    }

    @Test
    void tokenResumesUntilRevoked() throws Exception {
        auth.register("3", "password-3");
        String token = login("3", 0, "password-3").reply().attr("token");
        Node resume = Node.of("auth", "mechanism", "TOKEN", "user", "3", "device", "0", "token", token);
        assertEquals(Outcome.SUCCESS, auth.login(Map.of(), resume, "r").outcome());
        Node wrongDevice = Node.of("auth", "mechanism", "TOKEN", "user", "3", "device", "1", "token", token);
        assertEquals("token-invalid", auth.login(Map.of(), wrongDevice, "r").reply().attr("code"));
        auth.changePassword(new Address("3", 0), "password-3b");
        assertEquals("token-invalid", auth.login(Map.of(), resume, "r").reply().attr("code"));
        assertEquals(Outcome.SUCCESS, login("3", 0, "password-3b").outcome());
    }

    @Test
    void repeatedFailuresAreThrottledWithAWait() throws Exception {
        auth.register("4", "password-4");
        for (int i = 0; i < 5; i++) {
            assertEquals("not-authorized", login("4", 0, "wrong-password").reply().attr("code"));
        }
        login("4", 0, "wrong-password");
        LoginStep throttled = login("4", 0, "password-4");
        assertEquals("throttled", throttled.reply().attr("code"));
        assertTrue(Integer.parseInt(throttled.reply().attr("retry-after")) >= 1);
        assertTrue(throttled.reply().attr("text").matches("too many failed logins; try again in \\d+ s"));
        // the throttle survives a swap of the auth bundle: handed over through the vault
        auth.deactivate();
        auth = newAuth(Map.of());
        assertEquals("throttled", login("4", 0, "password-4").reply().attr("code"));
    }

    @Test
    void aStrangersGuessesNeverLockTheOwnerOut() throws Exception {
        auth.register("6", "password-6");
        LoginStep owner = login("6", 0, "password-6", "/192.0.2.10:4000");
        String token = owner.reply().attr("token");
        auth.register("7", "password-7");
        for (int i = 0; i < 30; i++) { // a stranger guessing from one address
            login("6", 0, "guess-" + i, "/198.51.100.7:6000");
        }
        assertEquals("throttled", login("6", 0, "password-6", "/198.51.100.7:6000").reply().attr("code"),
                "the guesser's address is refused for that account, even with the right password");
        Node resume = Node.of("auth", "mechanism", "TOKEN", "user", "6", "device", "0", "token", token);
        assertEquals(Outcome.SUCCESS, auth.login(Map.of(), resume, "/192.0.2.10:4001").outcome(), "the owner's phone resumes");
        assertEquals(Outcome.SUCCESS, auth.login(Map.of(), resume, "/198.51.100.7:6001").outcome(),
                "a valid token resumes even from the guesser's address (it is the owner's device behind the same NAT)");
        assertEquals(Outcome.SUCCESS, login("6", 0, "password-6", "/192.0.2.10:4002").outcome(),
                "the correct password from another address gets in");
        assertEquals(Outcome.SUCCESS, login("7", 0, "password-7", "/198.51.100.7:6002").outcome(),
                "another account behind the guesser's address gets in");
        LoginStep slowed = login("6", 0, "another-guess", "/203.0.113.5:7000");
        assertEquals("not-authorized", slowed.reply().attr("code"));
        assertNotNull(slowed.reply().attr("retry-after"), "guessing the account from anywhere is slowed");
    }

    @Test
    void devicesAreLinkedUpToTheLimitAndUnlinked() throws Exception {
        auth.register("5", "password-5");
        for (int d = 1; d <= 4; d++) {
            auth.linkDevice(new Address("5", d), "device-pw-" + d);
        }
        assertEquals(Reason.DEVICE_LIMIT, assertThrows(AccountException.class,
                () -> auth.linkDevice(new Address("5", 9), "device-pw-9")).reason());
        assertEquals(Reason.DEVICE_EXISTS, assertThrows(AccountException.class,
                () -> auth.linkDevice(new Address("5", 2), "device-pw-x")).reason());
        assertEquals(Outcome.SUCCESS, login("5", 2, "device-pw-2").outcome());
        auth.unlinkDevice(new Address("5", 2));
        assertEquals("not-authorized", login("5", 2, "device-pw-2").reply().attr("code"));
        assertEquals(Reason.UNKNOWN_DEVICE, assertThrows(AccountException.class,
                () -> auth.unlinkDevice(new Address("5", 2))).reason());
        assertEquals(Reason.FORBIDDEN, assertThrows(AccountException.class,
                () -> auth.unlinkDevice(new Address("5", 0))).reason());
    }

    @Test
    void errorsAreSpecific() throws Exception {
        assertEquals(Reason.MALFORMED_ID, assertThrows(AccountException.class, () -> auth.register("12ab", "password")).reason());
        assertEquals(Reason.WEAK_PASSWORD, assertThrows(AccountException.class, () -> auth.register("12", "short")).reason());
        auth.register("12", "password");
        assertEquals(Reason.DUPLICATE, assertThrows(AccountException.class, () -> auth.register("12", "password")).reason());
        assertEquals(Reason.UNKNOWN, assertThrows(AccountException.class, () -> auth.deleteAccount("13")).reason());
        assertEquals("malformed", auth.login(Map.of(), Node.of("auth", "user", "x", "device", "0"), "r").reply().attr("code"));
        assertEquals("malformed", auth.login(Map.of(), Node.of("auth", "user", "1", "device", "0", "mechanism", "PLAIN"), "r")
                .reply().attr("code"));
    }

    @Test
    void unreachableStoreSaysRetry() throws Exception {
        auth.register("7", "password-7");
        store.down = true;
        LoginStep step = login("7", 0, "password-7");
        assertEquals("unavailable", step.reply().attr("code"));
        assertEquals(Reason.UNAVAILABLE, assertThrows(AccountException.class, () -> auth.register("8", "password-8")).reason());
        store.down = false;
        assertEquals(Outcome.SUCCESS, login("7", 0, "password-7").outcome());
    }

    @Test
    void clientRequestsUseDerivedCredentialsAndCanBeSwitchedOff() throws Exception {
        Map<String, String> cred = ScramClient.credential("client-side-pw", 4096);
        Node register = new Node("register", Map.of("id", "r1", "user", "9", "mechanism", cred.get("mechanism"),
                "iterations", cred.get("iterations"), "salt", cred.get("salt"), "stored-key", cred.get("stored-key"),
                "server-key", cred.get("server-key")), java.util.List.of(), null);
        Node result = auth.accountRequest(null, register, "r");
        assertNull(result.attr("error"), result::toString);
        assertEquals(Outcome.SUCCESS, login("9", 0, "client-side-pw").outcome());
        assertEquals("duplicate", auth.accountRequest(null, register, "r").attr("error"));
        Node devices = auth.accountRequest(new Address("9", 0), Node.of("account", "op", "devices", "id", "r2"), "r");
        assertEquals(1, devices.children().size());
        assertEquals("forbidden", auth.accountRequest(new Address("9", 1), Node.of("account", "op", "delete", "id", "r3"), "r")
                .attr("error"));
        auth = newAuth(Map.of("clientRegistration", false));
        assertEquals("forbidden", auth.accountRequest(null, register.with("user", "10"), "r").attr("error"));
    }

    @Test
    void legacyPbkdf2CredentialsAreConvertedOnLogin() throws Exception {
        byte[] salt = new byte[16];
        byte[] saltedPassword = Scram.saltedPassword("old-password", salt, 10_000);
        store.createAccount("11", new StoredCredential(Scram.LEGACY_PBKDF2, 10_000, salt, saltedPassword, new byte[0]));
        assertEquals(Outcome.SUCCESS, login("11", 0, "old-password").outcome());
        assertEquals("SCRAM-SHA-256", store.credential(new Address("11", 0)).orElseThrow().mechanism());
        assertEquals(Outcome.SUCCESS, login("11", 0, "old-password").outcome());
    }
}
