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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * End-to-end encrypted messages ({@code e2e="1"}, docs/PROTOCOL.md §8e). To one account the sender
 * encrypts once per device that can decrypt: every device with keys of the recipient and the
 * sender's own other devices with keys, each as an {@code enc device= type=} child. The server
 * checks that coverage against the key directory, refuses with {@code mismatched-devices} naming
 * what is missing and extra, and queues each device only its own ciphertext. To a group the sender
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

        Refused(String error, String text, String missing, String extra) {
            super(text, null, false, false);
            this.error = error;
            this.missing = missing;
            this.extra = extra;
        }

        Node ack(String id) {
            return Node.of("ack", "id", id, "error", error, "text", getMessage(), "missing", missing, "extra", extra);
        }
    }

    private EncryptedFanOut() {
    }

    /** One copy per covered device of a message to one account. @param media a checked media reference, or null */
    static List<QueuedMessage> direct(AccountService accounts, KeyDirectory keys, Address from, Node stanza, Map<String, String> media,
                                      long now) throws Refused, AccountException, StoreException {
        String to = stanza.attr("to");
        if (to == null || !Address.isUserId(to)) {
            throw new Refused("bad-recipient", "an encrypted message goes to a user id; its devices are its enc children", null, null);
        }
        Map<Address, Node> given = ciphertexts(stanza);
        Set<Address> expected = new LinkedHashSet<>();
        if (!to.equals(from.user())) {
            if (accounts.devices(to).isEmpty()) {
                throw new Refused("bad-recipient", "no such user: " + to, null, null);
            }
            keyed(accounts, keys, to, from, expected);
            if (expected.isEmpty()) {
                throw new Refused("no-keys", to + " has no device with encryption keys", null, null);
            }
        }
        keyed(accounts, keys, from.user(), from, expected);
        List<Address> missing = new ArrayList<>();
        for (Address d : expected) {
            if (!given.containsKey(d)) {
                missing.add(d);
            }
        }
        List<Address> extra = new ArrayList<>();
        for (Address d : given.keySet()) {
            if (!expected.contains(d)) {
                extra.add(d);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new Refused("mismatched-devices", "the devices that can decrypt are not the ones encrypted for; fetch keys and resend",
                    joined(missing), joined(extra));
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
            throw new Refused("bad-request", "an encrypted group message is one type=skmsg ciphertext, without enc children", null, null);
        }
        byte[] ciphertext = stanza.content();
        if (ciphertext == null || ciphertext.length == 0) {
            throw new Refused("bad-request", "an encrypted group message needs its ciphertext", null, null);
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("type", "skmsg");
        if (media != null) {
            attributes.putAll(media);
        }
        byte[] body = StoredAttributes.encode(attributes, ciphertext);
        Map<String, Set<Integer>> keyedByUser = new LinkedHashMap<>();
        List<QueuedMessage> copies = new ArrayList<>(memberDevices.size());
        for (Address d : memberDevices) {
            Set<Integer> keyed = keyedByUser.get(d.user());
            if (keyed == null) {
                keyed = keys.devicesWithKeys(d.user());
                keyedByUser.put(d.user(), keyed);
            }
            if (keyed.contains(d.device())) {
                copies.add(new QueuedMessage(0, d, from, stanza.attr("id"), KIND, now, body, group));
            }
        }
        return copies;
    }

    /** The enc children by device: each names a device once, has a pairwise type and a ciphertext. */
    private static Map<Address, Node> ciphertexts(Node stanza) throws Refused {
        if (stanza.content() != null) {
            throw new Refused("bad-request", "an encrypted message carries its ciphertexts in enc children, not as its body", null, null);
        }
        Map<Address, Node> given = new LinkedHashMap<>();
        for (Node enc : stanza.children()) {
            if (!"enc".equals(enc.tag())) {
                throw new Refused("bad-request", "an encrypted message holds only enc children, not " + enc.tag(), null, null);
            }
            Address device;
            try {
                device = Address.parse(String.valueOf(enc.attr("device")));
            } catch (IllegalArgumentException e) {
                throw new Refused("bad-request", "enc needs device=<user>/<device>: " + e.getMessage(), null, null);
            }
            if (!PAIRWISE.contains(enc.attr("type"))) {
                throw new Refused("bad-request", "enc type must be pkmsg or msg", null, null);
            }
            if (enc.content() == null || enc.content().length == 0) {
                throw new Refused("bad-request", "enc for " + device + " has no ciphertext", null, null);
            }
            if (given.put(device, enc) != null) {
                throw new Refused("bad-request", "two ciphertexts for " + device, null, null);
            }
        }
        return given;
    }

    /** Adds the user's linked devices that have keys, except the sending device itself. */
    private static void keyed(AccountService accounts, KeyDirectory keys, String user, Address from, Set<Address> into)
            throws AccountException, StoreException {
        Set<Integer> keyed = keys.devicesWithKeys(user);
        if (keyed.isEmpty()) {
            return;
        }
        for (DeviceRecord d : accounts.devices(user)) {
            if (keyed.contains(d.address().device()) && !d.address().equals(from)) {
                into.add(d.address());
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
