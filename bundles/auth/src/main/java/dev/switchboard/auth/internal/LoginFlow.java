package dev.switchboard.auth.internal;

import dev.switchboard.api.auth.Authenticator.LoginStep;
import dev.switchboard.api.auth.Authenticator.LoginStep.Outcome;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login conversation: SCRAM-SHA-256 ({@code auth} → {@code challenge} → {@code response} →
 * {@code success} with a resume token), or one-step resume with a token. Failed attempts are
 * throttled per account and per source address. See docs/PROTOCOL.md §6.
 */
final class LoginFlow {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final AccountStore store;
    private final CredentialCache cache;
    private final LoginThrottle throttle;
    private final AuthConfiguration config;
    private final byte[] secret;

    LoginFlow(AccountStore store, CredentialCache cache, LoginThrottle throttle, AuthConfiguration config, byte[] secret) {
        this.store = store;
        this.cache = cache;
        this.throttle = throttle;
        this.config = config;
        this.secret = secret.clone();
    }

    LoginStep step(Map<String, String> state, Node stanza, String remote) {
        try {
            if (state.isEmpty()) {
                return begin(stanza, remote);
            }
            return finish(state, stanza, remote);
        } catch (StoreException e) {
            LOG.warn("Account store unavailable during login from {}: {}", remote, e.getMessage());
            return failure("unavailable", "service unavailable, retry");
        } catch (ScramExchange.BadMessage e) {
            return failure("malformed", e.getMessage());
        }
    }

    private LoginStep begin(Node auth, String remote) throws StoreException, ScramExchange.BadMessage {
        if (!"auth".equals(auth.tag())) {
            return failure("not-authorized", "log in first");
        }
        Address address;
        try {
            address = new Address(auth.attr("user"), Integer.parseInt(String.valueOf(auth.attr("device"))));
        } catch (IllegalArgumentException e) {
            return failure("malformed", "user must be 1-20 digits and device 0-255");
        }
        String mechanism = auth.attr("mechanism");
        if ("TOKEN".equals(mechanism)) {
            return resume(address, auth.attr("token"), remote); // a valid token is never throttled
        }
        LoginStep throttled = throttled(address, remote);
        if (throttled != null) {
            return throttled;
        }
        if (!Scram.MECHANISM.equals(mechanism)) {
            return failure("malformed", "mechanism must be " + Scram.MECHANISM + " or TOKEN");
        }
        String clientFirst = auth.content() == null ? null : new String(auth.content(), StandardCharsets.UTF_8);
        Map<String, String> next = new HashMap<>(ScramExchange.start(clientFirst, credentialOrDecoy(address)));
        next.put("user", address.user());
        next.put("device", String.valueOf(address.device()));
        Node challenge = Node.withContent("challenge", next.get("server-first").getBytes(StandardCharsets.UTF_8));
        return new LoginStep(Outcome.CONTINUE, challenge, next, null);
    }

    private LoginStep finish(Map<String, String> state, Node response, String remote)
            throws StoreException, ScramExchange.BadMessage {
        if (!"response".equals(response.tag())) {
            return failure("malformed", "expected the SCRAM response");
        }
        Address address = new Address(state.get("user"), Integer.parseInt(state.get("device")));
        Optional<StoredCredential> credential = credential(address);
        String clientFinal = response.content() == null ? null : new String(response.content(), StandardCharsets.UTF_8);
        String serverFinal = credential.isEmpty() ? null
                : ScramExchange.finish(state, clientFinal, credential.get());
        if (serverFinal == null) {
            return refused(address, remote);
        }
        // the account-wide count stays: it only ever slows wrong answers, and the owner's success
        // must not wipe what a distributed guesser has built up
        throttle.succeeded(guesserKey(address, remote));
        byte[] token = Scram.random(32);
        long expires = System.currentTimeMillis() + config.tokenHours() * 3_600_000L;
        store.storeToken(Scram.sha256(token), address, expires);
        Node success = Node.withContent("success", serverFinal.getBytes(StandardCharsets.UTF_8),
                "user", address.user(), "device", String.valueOf(address.device()),
                "token", B64URL.encodeToString(token), "expires", String.valueOf(expires));
        return new LoginStep(Outcome.SUCCESS, success, Map.of(), address);
    }

    private LoginStep resume(Address address, String token, String remote) throws StoreException {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token == null ? "" : token);
        } catch (IllegalArgumentException e) {
            return failure("malformed", "token is not base64url");
        }
        Optional<Address> owner = raw.length == 32
                ? store.tokenDevice(Scram.sha256(raw), System.currentTimeMillis()) : Optional.empty();
        if (owner.isEmpty() || !owner.get().equals(address)) {
            // counted against the source only: a stranger's bad tokens must not lock the owner out
            long now = System.currentTimeMillis();
            throttle.failed(addressKey(remote), now);
            return slowed(failure("token-invalid", "resume token unknown, expired or revoked; log in with the password"),
                    throttle.retryAfterSeconds(addressKey(remote), config.addressFailures(), now));
        }
        Node success = Node.of("success", "user", address.user(), "device", String.valueOf(address.device()));
        return new LoginStep(Outcome.SUCCESS, success, Map.of(), address);
    }

    private Optional<StoredCredential> credential(Address address) throws StoreException {
        Optional<StoredCredential> c = cache.credential(address);
        if (c.isPresent() && Scram.LEGACY_PBKDF2.equals(c.get().mechanism())) {
            // V1 rows hold SCRAM's SaltedPassword itself: derive the keys once and store those instead.
            StoredCredential legacy = c.get();
            StoredCredential converted = Scram.fromSaltedPassword(legacy.storedKey(), legacy.salt(), legacy.iterations());
            store.updateCredential(address, converted);
            cache.invalidate(address);
            return Optional.of(converted);
        }
        return c;
    }

    /** A real credential, or for an unknown device a stable decoy, so the challenge does not tell which. */
    private StoredCredential credentialOrDecoy(Address address) throws StoreException {
        Optional<StoredCredential> c = credential(address);
        if (c.isPresent()) {
            return c.get();
        }
        byte[] salt = java.util.Arrays.copyOf(Scram.hmac(secret, address.toString()), 16);
        return new StoredCredential(Scram.MECHANISM, config.iterations(), salt, Scram.random(32), Scram.random(32));
    }

    /**
     * Refuses a password login only for the account <em>and</em> the address that guessed wrong:
     * the owner logging in from elsewhere, and other users behind the same address, get in.
     */
    private LoginStep throttled(Address address, String remote) {
        long wait = throttle.retryAfterSeconds(guesserKey(address, remote), config.accountFailures(), System.currentTimeMillis());
        if (wait == 0) {
            return null;
        }
        Node reply = Node.of("failure", "code", "throttled", "text", "too many failed logins; try again in " + wait + " s",
                "retry-after", String.valueOf(wait));
        return new LoginStep(Outcome.FAILURE, reply, Map.of(), null);
    }

    /**
     * A wrong password. Beyond refusing that account from that address later, failures on the
     * account from anywhere and from the address for any account slow the answer (the transport
     * holds a failure with {@code retry-after} before it closes), which slows guessing without
     * refusing anyone's correct password.
     */
    private LoginStep refused(Address address, String remote) {
        long now = System.currentTimeMillis();
        throttle.failed(userKey(address), now);
        throttle.failed(addressKey(remote), now);
        LOG.info("Refused login of {} from {}", address, remote);
        long slowdown = Math.max(throttle.retryAfterSeconds(userKey(address), config.accountFailures(), now),
                throttle.retryAfterSeconds(addressKey(remote), config.addressFailures(), now));
        // the guesser's lock runs from when the held answer reaches it, not from now
        throttle.failed(guesserKey(address, remote), now + 1000 * Math.min(slowdown, HOLD_CAP_SECONDS));
        return slowed(failure("not-authorized", "wrong user, device or password"), slowdown);
    }

    /** The transport holds a slowed failure at most this long (the transport's LoginGate.MAX_FAILURE_HOLD_MS). */
    private static final long HOLD_CAP_SECONDS = 3;

    private static LoginStep slowed(LoginStep failure, long seconds) {
        if (seconds == 0) {
            return failure;
        }
        return new LoginStep(Outcome.FAILURE, failure.reply().with("retry-after", String.valueOf(seconds)), Map.of(), null);
    }

    private static String guesserKey(Address a, String remote) {
        return userKey(a) + "|" + addressKey(remote);
    }

    private static LoginStep failure(String code, String text) {
        return new LoginStep(Outcome.FAILURE, Node.of("failure", "code", code, "text", text), Map.of(), null);
    }

    private static String userKey(Address a) {
        return "user:" + a.user();
    }

    /** The host part of a socket address such as {@code /127.0.0.1:53412}. */
    static String addressKey(String remote) {
        String r = remote == null ? "" : remote;
        int colon = r.lastIndexOf(':');
        return "addr:" + (colon > 0 ? r.substring(0, colon) : r);
    }
}
