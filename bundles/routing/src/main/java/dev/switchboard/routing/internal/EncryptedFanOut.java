package dev.switchboard.routing.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.keys.KeyDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * End-to-end encrypted messages ({@code e2e="1"}, docs/PROTOCOL.md §8e). To one account the sender
 * encrypts once per device that can decrypt: every device with keys of the recipient and the
 * sender's own other devices with keys, each as an {@code enc device= type= [reg=]} child. The
 * server checks that coverage against the key directory, refuses with {@code mismatched-devices}
 * naming what is missing, extra and stale (a {@code reg=} that is not the device's registration id
 * now: it was reinstalled, and a session made before cannot reach it), and queues each device only
 * its own ciphertext. To a group the sender
 * encrypts once with its sender key ({@code type=skmsg}); that one ciphertext goes to every member
 * device with keys. The server never reads a ciphertext.
 */
final class EncryptedFanOut {

    /** Pairwise ciphertext types: a Signal prekey message (starts a session) and a message on one. */
    private static final Set<String> PAIRWISE = Set.of("pkmsg", "msg");
    static final String KIND = "e2e";

    /** Why an encrypted message is refused: its ack's error, text and any attributes naming devices. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final String error;
        final String missing;
        final String extra;
        final String stale;

        Refused(String error, String text) {
            this(error, text, null, null, null);
        }

        Refused(String error, String text, String missing, String extra, String stale) {
            super(text, null, false, false);
            this.error = error;
            this.missing = missing;
            this.extra = extra;
            this.stale = stale;
        }

        Node ack(String id) {
            return Node.of("ack", "id", id, "error", error, "text", getMessage(), "missing", missing, "extra", extra, "stale", stale);
        }
    }

    private EncryptedFanOut() {
    }

    /** One copy per covered device of a message to one account. @param media a checked media reference, or null */
    static List<QueuedMessage> direct(AccountService accounts, KeyDirectory keys, Address from, Node stanza, Map<String, String> media,
                                      long now) throws Refused, AccountException, StoreException {
        String to = stanza.attr("to");
        if (to == null || !Address.isUserId(to)) {
            throw new Refused("bad-recipient", "an encrypted message goes to a user id; its devices are its enc children");
        }
        Map<Address, Node> given = ciphertexts(stanza);
        Map<Address, Integer> expected = new LinkedHashMap<>();
        if (!to.equals(from.user())) {
            List<DeviceRecord> devices = accounts.devices(to);
            if (devices.isEmpty()) {
                throw new Refused("bad-recipient", "no such user: " + to);
            }
            keyed(devices, keys.devicesWithKeys(to), from, expected);
            if (expected.isEmpty()) {
                throw new Refused("no-keys", to + " has no device with encryption keys");
            }
        }
        Map<Integer, Integer> ownKeyed = keys.devicesWithKeys(from.user());
        if (ownKeyed.size() > (ownKeyed.containsKey(from.device()) ? 1 : 0)) { // the sender has other devices with keys
            keyed(accounts.devices(from.user()), ownKeyed, from, expected);
        }
        List<Address> missing = new ArrayList<>();
        for (Address d : expected.keySet()) {
            if (!given.containsKey(d)) {
                missing.add(d);
            }
        }
        List<Address> extra = new ArrayList<>();
        List<Address> stale = new ArrayList<>();
        for (Map.Entry<Address, Node> e : given.entrySet()) {
            Integer registration = expected.get(e.getKey());
            String reg = e.getValue().attr("reg");
            if (registration == null) {
                extra.add(e.getKey());
            } else if (reg != null && !reg.equals(registration.toString())) {
                stale.add(e.getKey());
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty() || !stale.isEmpty()) {
            throw new Refused("mismatched-devices", "the devices that can decrypt are not the ones encrypted for; fetch keys and resend",
                    joined(missing), joined(extra), joined(stale));
        }
        List<QueuedMessage> copies = new ArrayList<>(given.size());
        for (Map.Entry<Address, Node> e : given.entrySet()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("type", e.getValue().attr("type"));
            if (e.getKey().user().equals(from.user()) && !to.equals(from.user())) {
                attributes.put("to", to); // the sender's own other device: which conversation it belongs to
            }
            if (media != null) {
                attributes.putAll(media);
            }
            copies.add(new QueuedMessage(0, e.getKey(), from, stanza.attr("id"), KIND, now,
                    StoredAttributes.encode(attributes, e.getValue().content()), null));
        }
        return copies;
    }

    /** The one sender-key ciphertext of a group message, for each member device (already chosen) that has keys. */
    static List<QueuedMessage> group(KeyDirectory keys, List<Address> memberDevices, Address from, Node stanza, String group,
                                     Map<String, String> media, long now) throws Refused, StoreException {
        if (!"skmsg".equals(stanza.attr("type")) || !stanza.children().isEmpty()) {
            throw new Refused("bad-request", "an encrypted group message is one type=skmsg ciphertext, without enc children");
        }
        byte[] ciphertext = stanza.content();
        if (ciphertext == null || ciphertext.length == 0) {
            throw new Refused("bad-request", "an encrypted group message needs its ciphertext");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("type", "skmsg");
        if (media != null) {
            attributes.putAll(media);
        }
        byte[] body = StoredAttributes.encode(attributes, ciphertext);
        Map<String, Map<Integer, Integer>> keyedByUser = new LinkedHashMap<>();
        List<QueuedMessage> copies = new ArrayList<>(memberDevices.size());
        for (Address d : memberDevices) {
            Map<Integer, Integer> keyed = keyedByUser.get(d.user());
            if (keyed == null) {
                keyed = keys.devicesWithKeys(d.user());
                keyedByUser.put(d.user(), keyed);
            }
            if (keyed.containsKey(d.device())) {
                copies.add(new QueuedMessage(0, d, from, stanza.attr("id"), KIND, now, body, group));
            }
        }
        return copies;
    }

    /** The enc children by device: each names a device once, has a pairwise type and a ciphertext. */
    private static Map<Address, Node> ciphertexts(Node stanza) throws Refused {
        if (stanza.content() != null) {
            throw new Refused("bad-request", "an encrypted message carries its ciphertexts in enc children, not as its body");
        }
        Map<Address, Node> given = new LinkedHashMap<>();
        for (Node enc : stanza.children()) {
            if (!"enc".equals(enc.tag())) {
                throw new Refused("bad-request", "an encrypted message holds only enc children, not " + enc.tag());
            }
            Address device;
            try {
                device = Address.parse(String.valueOf(enc.attr("device")));
            } catch (IllegalArgumentException e) {
                throw new Refused("bad-request", "enc needs device=<user>/<device>: " + e.getMessage());
            }
            if (!PAIRWISE.contains(enc.attr("type"))) {
                throw new Refused("bad-request", "enc type must be pkmsg or msg");
            }
            if (enc.content() == null || enc.content().length == 0) {
                throw new Refused("bad-request", "enc for " + device + " has no ciphertext");
            }
            if (given.put(device, enc) != null) {
                throw new Refused("bad-request", "two ciphertexts for " + device);
            }
        }
        return given;
    }

    /** Adds the linked devices that have keys (with their registration ids), except the sending device itself. */
    private static void keyed(List<DeviceRecord> devices, Map<Integer, Integer> keyed, Address from, Map<Address, Integer> into) {
        if (keyed.isEmpty()) {
            return;
        }
        for (DeviceRecord d : devices) {
            Integer registration = keyed.get(d.address().device());
            if (registration != null && !d.address().equals(from)) {
                into.put(d.address(), registration);
            }
        }
    }

    private static String joined(List<Address> devices) {
        if (devices.isEmpty()) {
            return null;
        }
        StringJoiner out = new StringJoiner(" ");
        devices.forEach(d -> out.add(d.toString()));
        return out.toString();
    }
}
