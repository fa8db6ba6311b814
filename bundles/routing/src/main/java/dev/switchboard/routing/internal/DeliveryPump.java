package dev.switchboard.routing.internal;

import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.QueuedMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each online device its queue, in order, keeping at most {@link #WINDOW} unconfirmed
 * stanzas on the wire. Runs only on the device's lane, so a device's queue is never read twice at
 * once; cursors are plain longs, handed to the next revision through the vault.
 */
final class DeliveryPump {

    static final int WINDOW = 64;

    /**
     * Per online device: {last seq written to it, how many of those are unconfirmed, the session
     * they are written to (0: whichever the device has)}. A login replaces the cursor; a pump
     * still writing with the old one finds the old session gone and stops.
     */
    private final Map<Address, long[]> cursors = new ConcurrentHashMap<>();
    private final SessionDirectory directory;
    private final ServiceGate<OfflineStore> offline;

    DeliveryPump(SessionDirectory directory, ServiceGate<OfflineStore> offline) {
        this.directory = directory;
        this.offline = offline;
    }

    /**
     * A device logged in (again) on a session: what it had on the wire before is sent again from
     * its queue. Two logins of one device finish on two login threads, so the older one's call may
     * come last: a session that is no longer the device's current one leaves the cursor alone
     * (checked inside the map's update, which the newer login's call waits for).
     */
    void online(Address device, long session) {
        cursors.compute(device, (d, old) ->
                session != 0 && directory.sessionOf(d) != session ? old : new long[] {0, 0, session});
    }

    /** Sends the device's whole queue again from the start. Call on the device's lane. */
    void rewind(Address device) {
        long[] cursor = cursors.get(device);
        if (cursor != null) {
            cursor[0] = 0;
            cursor[1] = 0;
        }
    }

    /** Whether the device has a cursor (is known to be online). */
    boolean isOnline(Address device) {
        return cursors.containsKey(device);
    }

    /** Writes what waits for a device, up to the window. Call on the device's lane. */
    void pump(Address device) {
        offline.with(store -> {
            pump(device, store);
            return null;
        }, null);
    }

    private void pump(Address device, OfflineStore store) {
        long[] cursor = cursors.get(device);
        if (cursor == null) {
            return;
        }
        while (cursor[1] < WINDOW) {
            List<QueuedMessage> batch = store.pending(device, cursor[0], (int) (WINDOW - cursor[1]));
            if (batch.isEmpty()) {
                return;
            }
            for (QueuedMessage m : batch) {
                if (!directory.deliver(device, cursor[2], stanza(m))) {
                    // gone offline (its queue waits for the next login), or logged in again: the new
                    // session's own cursor hands it the queue from the head
                    cursors.remove(device, cursor);
                    return;
                }
                cursor[0] = m.seq();
                cursor[1]++;
            }
        }
    }

    /** The last seq written to the device on its current connection; 0 when none or offline. */
    long lastWritten(Address device) {
        long[] cursor = cursors.get(device);
        return cursor == null ? 0 : cursor[0];
    }

    /** The device confirmed a stanza; frees a window slot. Call on the device's lane. */
    void confirmed(Address device, long seq) {
        long[] cursor = cursors.get(device);
        if (cursor != null && seq <= cursor[0] && cursor[1] > 0) {
            cursor[1]--;
        }
    }

    static Node stanza(QueuedMessage m) {
        String seq = Long.toString(m.seq());
        String t = Long.toString(m.acceptedAtMs());
        switch (m.kind()) {
            case "message":
                return Node.withContent("message", m.body(), "from", m.from().toString(), "group", m.group(), "id", m.id(),
                        "seq", seq, "t", t);
            case "media":
            case EncryptedFanOut.KIND: {
                // a media message: its reference travels as attributes, a caption (if any) as its bytes;
                // an encrypted one: its type (and any media reference) as attributes, its ciphertext as its bytes
                StoredAttributes.Decoded stored = StoredAttributes.decode(m.body());
                Map<String, String> attributes = new java.util.LinkedHashMap<>();
                attributes.put("from", m.from().toString());
                if (m.group() != null) {
                    attributes.put("group", m.group());
                }
                attributes.put("id", m.id());
                if ("media".equals(m.kind())) {
                    attributes.put("type", "media");
                } else {
                    attributes.put("e2e", "1");
                }
                attributes.putAll(stored.attributes());
                attributes.put("seq", seq);
                attributes.put("t", t);
                return new Node("message", attributes, List.of(), stored.content());
            }
            case "notification": {
                // a notification's id is its type; its attributes travel as its body
                Map<String, String> attributes = new java.util.LinkedHashMap<>();
                attributes.put("type", m.id());
                attributes.put("from", m.from().toString());
                attributes.putAll(StoredAttributes.decode(m.body()).attributes());
                attributes.put("seq", seq);
                attributes.put("t", t);
                return new Node("notification", attributes, List.of(), null);
            }
            default:
                return Node.of("receipt", "type", m.kind(), "from", m.from().toString(), "group", m.group(), "id", m.id(),
                        "seq", seq, "t", t);
        }
    }

    /** Cursors as {last seq, unconfirmed}: the shape every revision reads. */
    Map<String, Object> snapshot() {
        Map<String, Object> out = new HashMap<>();
        cursors.forEach((d, c) -> out.put(d.toString(), new long[] {c[0], c[1]}));
        return out;
    }

    /** The session of each cursor, beside them (a revision that predates sessions ignores it). */
    Map<String, Object> sessionsSnapshot() {
        Map<String, Object> out = new HashMap<>();
        cursors.forEach((d, c) -> out.put(d.toString(), c[2]));
        return out;
    }

    /** @param sessions each cursor's session; where missing (from an older revision), the device's session now */
    void restore(Map<String, Object> data, Map<?, ?> sessions) {
        data.forEach((d, c) -> {
            if (c instanceof long[] cursor && cursor.length == 2) {
                Address device = Address.parse(d);
                long session = sessions.get(d) instanceof Long s ? s : directory.sessionOf(device);
                cursors.put(device, new long[] {cursor[0], cursor[1], session});
            }
        });
    }

    Iterable<Address> onlineDevices() {
        return cursors.keySet();
    }
}
