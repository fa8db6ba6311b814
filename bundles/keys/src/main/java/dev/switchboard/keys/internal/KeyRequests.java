package dev.switchboard.keys.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.KeyStore;
import dev.switchboard.api.store.KeyStore.Bundle;
import dev.switchboard.api.store.KeyStore.DeviceKeys;
import dev.switchboard.api.store.KeyStore.PreKey;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code keys} requests (docs/PROTOCOL.md §8d): upload a device's public keys, fetch a user's
 * key bundles (one one-time prekey taken per device), count what is left, store and read the
 * signed device list. Keys travel as base64 attributes; the server checks sizes and shapes, never
 * the cryptography (it holds no key that could). Runs on the keys thread: it touches SQL.
 */
final class KeyRequests {

    /** What a request leads to: the answer, and live notices to devices (a prekey pool running low). */
    record Outcome(Node answer, Map<Address, Node> notices, List<String> tellContactsOf) {
        static Outcome answer(Node answer) {
            return new Outcome(answer, Map.of(), List.of());
        }
    }

    private static final int MAX_KEY_BYTES = 2048;
    private static final int MAX_SIGNATURE_BYTES = 128;
    private static final int MAX_IDENTITY_BYTES = 64;

    private final KeyStore store;
    private final FetchLimiter limiter;
    private final KeysConfiguration config;

    KeyRequests(KeyStore store, KeysConfiguration config) {
        this.store = store;
        this.config = config;
        this.limiter = new FetchLimiter(config.fetchBurst(), config.fetchesPerMinute());
    }

    Outcome perform(Address from, Node request, AccountService accounts) {
        String id = request.attr("id");
        if (id == null || id.isEmpty()) {
            return Outcome.answer(error(null, "bad-request", "a keys request needs an id"));
        }
        try {
            Outcome out = switch (String.valueOf(request.attr("op"))) {
                case "upload" -> upload(from, request);
                case "fetch" -> fetch(from, request, accounts);
                case "count" -> Outcome.answer(count(from));
                case "device-list" -> deviceList(from, request, accounts);
                default -> Outcome.answer(error(null, "bad-request", "op must be upload, fetch, count or device-list"));
            };
            return new Outcome(out.answer().with("id", id), out.notices(), out.tellContactsOf());
        } catch (IllegalArgumentException e) {
            return Outcome.answer(error(id, "bad-request", e.getMessage()));
        } catch (StoreException | AccountException e) {
            return Outcome.answer(error(id, "unavailable", "the key directory is unavailable, retry"));
        }
    }

    private Outcome upload(Address from, Node request) throws StoreException {
        List<PreKey> classic = new ArrayList<>();
        List<PreKey> kyber = new ArrayList<>();
        PreKey signed = null;
        PreKey lastResort = null;
        for (Node child : request.children()) {
            switch (child.tag()) {
                case "signed" -> signed = preKey(child, true);
                case "kyber" -> lastResort = preKey(child, true);
                case "pre" -> classic.add(preKey(child, false));
                case "kyber-pre" -> kyber.add(preKey(child, true));
                default -> throw new IllegalArgumentException("unknown key kind: " + child.tag());
            }
        }
        if (classic.size() + kyber.size() > config.maxPreKeysPerUpload()) {
            throw new IllegalArgumentException("at most " + config.maxPreKeysPerUpload() + " one-time prekeys an upload");
        }
        boolean identityChanged = false;
        if (request.attr("identity") != null) {
            if (signed == null) {
                throw new IllegalArgumentException("an identity needs its signed prekey");
            }
            byte[] identity = base64(request.attr("identity"), "identity", MAX_IDENTITY_BYTES);
            int registration = number(request.attr("reg"), "reg");
            Optional<DeviceKeys> old = store.deviceKeys(from);
            identityChanged = old.isPresent() && !java.util.Arrays.equals(old.get().identityKey(), identity);
            if (!store.putDeviceKeys(new DeviceKeys(from, registration, identity, signed, lastResort, System.currentTimeMillis()))) {
                return Outcome.answer(error(null, "unknown-device", "this device is not linked any more"));
            }
        } else if (signed != null || lastResort != null) {
            // a new signed prekey for the identity already stored
            DeviceKeys old = store.deviceKeys(from).orElseThrow(() -> new IllegalArgumentException("upload an identity first"));
            store.putDeviceKeys(new DeviceKeys(from, old.registrationId(), old.identityKey(), signed == null ? old.signedPreKey() : signed,
                    lastResort == null ? old.lastResortKyberKey() : lastResort, System.currentTimeMillis()));
        } else if (store.deviceKeys(from).isEmpty()) {
            throw new IllegalArgumentException("upload an identity first");
        }
        int[] count = store.oneTimePreKeyCount(from);
        if (count[0] + classic.size() > config.maxPreKeys() || count[1] + kyber.size() > config.maxPreKeys()) {
            return Outcome.answer(error(null, "too-many", "a device may hold at most " + config.maxPreKeys() + " one-time prekeys of each kind"));
        }
        if (!classic.isEmpty()) {
            count[0] = store.addOneTimePreKeys(from, classic, false);
        }
        if (!kyber.isEmpty()) {
            count[1] = store.addOneTimePreKeys(from, kyber, true);
        }
        Node answer = Node.of("result", "count", Integer.toString(count[0]), "kyber-count", Integer.toString(count[1]));
        return new Outcome(answer, Map.of(), identityChanged ? List.of(from.user()) : List.of());
    }

    private Outcome fetch(Address from, Node request, AccountService accounts) throws StoreException, AccountException {
        String user = request.attr("user");
        if (user == null || !Address.isUserId(user)) {
            throw new IllegalArgumentException("fetch needs user= a user id");
        }
        String device = request.attr("device");
        List<DeviceRecord> devices = accounts.devices(user);
        if (devices.isEmpty()) {
            return Outcome.answer(error(null, "no-such-user", "no such user: " + user));
        }
        long wait = limiter.tryFetch(from.toString(), System.nanoTime());
        if (wait > 0) {
            return Outcome.answer(Node.of("result", "error", "rate-limited", "text", "too many key fetches; try again in " + wait + " s",
                    "retry-after", Long.toString(wait)));
        }
        List<Node> bundles = new ArrayList<>();
        Map<Address, Node> notices = new LinkedHashMap<>();
        for (DeviceRecord d : devices) {
            Address target = d.address();
            if (target.equals(from) || (device != null && !Integer.toString(target.device()).equals(device))) {
                continue;
            }
            Optional<Bundle> bundle = store.takeBundle(target);
            if (bundle.isEmpty()) {
                continue; // a device without keys (an old client) gets no ciphertext and is not counted
            }
            bundles.add(bundleNode(bundle.get()));
            if (bundle.get().oneTimePreKey() != null) {
                int left = store.oneTimePreKeysLeft(target, config.lowWater());
                if (left < config.lowWater()) {
                    notices.put(target, Node.of("notification", "type", "prekeys-low", "count", Integer.toString(left)));
                }
            }
        }
        if (!user.equals(from.user())) {
            store.addKeyContact(user, from.user());
        }
        return new Outcome(new Node("result", Map.of("user", user), bundles, null), notices, List.of());
    }

    private Node count(Address from) throws StoreException {
        int[] count = store.oneTimePreKeyCount(from);
        return Node.of("result", "count", Integer.toString(count[0]), "kyber-count", Integer.toString(count[1]));
    }

    private Outcome deviceList(Address from, Node request, AccountService accounts) throws StoreException, AccountException {
        byte[] list = request.content();
        if (list != null && list.length > 0) {
            if (from.device() != 0) {
                return Outcome.answer(error(null, "forbidden", "only the primary device signs the device list"));
            }
            if (list.length > config.maxDeviceListBytes()) {
                throw new IllegalArgumentException("a device list may have at most " + config.maxDeviceListBytes() + " bytes");
            }
            store.putDeviceList(from.user(), list, System.currentTimeMillis());
            return new Outcome(Node.of("result"), Map.of(), List.of(from.user()));
        }
        String user = request.attr("user") == null ? from.user() : request.attr("user");
        if (!Address.isUserId(user)) {
            throw new IllegalArgumentException("user= must be a user id");
        }
        List<DeviceRecord> devices = accounts.devices(user);
        if (devices.isEmpty()) {
            return Outcome.answer(error(null, "no-such-user", "no such user: " + user));
        }
        StringBuilder ids = new StringBuilder();
        for (DeviceRecord d : devices) {
            ids.append(ids.length() == 0 ? "" : ",").append(d.address().device());
        }
        return Outcome.answer(Node.withContent("result", store.deviceList(user).orElse(null), "user", user, "devices", ids.toString()));
    }

    static Node bundleNode(Bundle b) {
        DeviceKeys k = b.keys();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("device", Integer.toString(k.device().device()));
        a.put("reg", Integer.toString(k.registrationId()));
        a.put("identity", encode(k.identityKey()));
        a.put("signed-id", Integer.toString(k.signedPreKey().id()));
        a.put("signed", encode(k.signedPreKey().publicKey()));
        a.put("signed-sig", encode(k.signedPreKey().signature()));
        if (b.oneTimePreKey() != null) {
            a.put("pre-id", Integer.toString(b.oneTimePreKey().id()));
            a.put("pre", encode(b.oneTimePreKey().publicKey()));
        }
        PreKey kyber = b.oneTimeKyberKey() != null ? b.oneTimeKyberKey() : k.lastResortKyberKey();
        if (kyber != null) {
            a.put("kyber-id", Integer.toString(kyber.id()));
            a.put("kyber", encode(kyber.publicKey()));
            a.put("kyber-sig", encode(kyber.signature()));
            if (b.oneTimeKyberKey() == null) {
                a.put("kyber-last-resort", "true");
            }
        }
        return new Node("bundle", a, List.of(), null);
    }

    private static PreKey preKey(Node n, boolean signed) {
        int id = number(n.attr("id"), n.tag() + " id");
        byte[] key = base64(n.attr("key"), n.tag() + " key", MAX_KEY_BYTES);
        byte[] sig = signed ? base64(n.attr("sig"), n.tag() + " sig", MAX_SIGNATURE_BYTES) : null;
        return new PreKey(id, key, sig);
    }

    private static int number(String s, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number from 0 to " + Integer.MAX_VALUE);
        }
    }

    private static byte[] base64(String s, String what, int max) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + " is missing");
        }
        byte[] b;
        try {
            b = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64");
        }
        if (b.length == 0 || b.length > max) {
            throw new IllegalArgumentException(what + " must have 1 to " + max + " bytes");
        }
        return b;
    }

    private static String encode(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static Node error(String id, String code, String text) {
        return Node.of("result", "id", id, "error", code, "text", text);
    }
}
