package dev.switchboard.routing.internal;


import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.QueuedMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What devices confirm: {@code received} (the copy is deleted once the sender's {@code delivered}
 * receipt is safe) and {@code receipt type=read} (queued for the original sender, only for a message
 * its reader was delivered). Receipts are queued like messages, through {@link MessageIntake}.
 */
final class Receipts {

    private final SessionDirectory directory;
    private final Lanes lanes;
    private final DeliveryPump pump;
    private final ServiceGate<OfflineStore> offline;
    private final MessageIntake intake;
    /** What each device confirmed: read receipts are relayed only for those. */
    final DeliveredIds delivered = new DeliveredIds(200_000);

    Receipts(SessionDirectory directory, Lanes lanes, DeliveryPump pump, ServiceGate<OfflineStore> offline, MessageIntake intake) {
        this.directory = directory;
        this.lanes = lanes;
        this.pump = pump;
        this.offline = offline;
        this.intake = intake;
    }

    /** {@code received seq=}: the device has the stanza; delete it and tell the sender. */
    boolean received(Address device, Node stanza) {
        if (offline.peek() == null) {
            return false;
        }
        String upTo = stanza.attr("upto");
        long seq;
        try {
            seq = Long.parseLong(String.valueOf(upTo != null ? upTo : stanza.attr("seq")));
        } catch (NumberFormatException e) {
            directory.deliver(device, Node.of("error", "code", "bad-request", "text", "received needs a seq or upto"));
            return true;
        }
        if (upTo != null) {
            return lanes.run(device.user(), () -> receivedUpTo(device, seq));
        }
        return lanes.run(device.user(), () -> {
            // If the store went away since, the confirmation is dropped: the message stays queued
            // and comes again at the next login, where the client drops the repeated seq.
            offline.with(store -> store.acknowledge(device, seq, m -> deliveredReceipt(store, device, m)), null);
            pump.confirmed(device, seq);
            pump.pump(device);
        });
    }

    /**
     * {@code received upto=}: the device has every stanza up to that seq that was written to it on
     * this connection. Only those are deleted: a later seq it names cannot have reached it yet.
     */
    private void receivedUpTo(Address device, long upTo) {
        long limit = Math.min(upTo, pump.lastWritten(device));
        if (limit > 0) {
            offline.with(store -> {
                for (QueuedMessage m : store.acknowledgeUpTo(device, limit, m -> deliveredReceipt(store, device, m))) {
                    pump.confirmed(device, m.seq());
                }
                return null;
            }, null);
        }
        pump.pump(device);
    }

    /** {@code receipt type=read to= id=}: the reader tells the original sender's device. */
    boolean readReceipt(Address reader, Node stanza) {
        if (offline.peek() == null) {
            return false;
        }
        // on the reader's lane, behind its 'received' of the same message, which records the delivery
        return lanes.run(reader.user(), () -> offline.with(store -> readReceipt(store, reader, stanza), false));
    }

    private boolean readReceipt(OfflineStore store, Address reader, Node stanza) {
        try {
            Address sender = Address.parse(stanza.attr("to"));
            String id = stanza.attr("id");
            if (!"read".equals(stanza.attr("type")) || id == null) {
                throw new IllegalArgumentException("a receipt needs type=read and the message id");
            }
            String group = stanza.attr("group");
            if (group != null && !GroupDirectory.isGroupId(group)) {
                throw new IllegalArgumentException("'group' must be a group id");
            }
            if (!delivered.wasDelivered(reader, sender, id)) {
                throw new IllegalArgumentException("no message " + id + " from " + sender + " was delivered to this device");
            }
            receipt(store, sender, reader, id, "read", group);
        } catch (IllegalArgumentException e) {
            directory.deliver(reader, Node.of("error", "code", "bad-request", "text", e.getMessage()));
        }
        return true;
    }

    /**
     * A device confirmed a copy: a message (plain, media or encrypted) is recorded as delivered and
     * its sender gets a delivered receipt. @return the receipt's stage (the store deletes the copy
     * once the receipt is safe), or null when the copy was something else (a receipt, a
     * notification, the sender's own copy of an encrypted message)
     */
    private CompletionStage<?> deliveredReceipt(OfflineStore store, Address device, QueuedMessage m) {
        if (!m.isMessage() || EncryptedFanOut.KIND.equals(m.kind()) && device.user().equals(m.from().user())) {
            return null;
        }
        delivered.delivered(device, m.from(), m.id());
        return receipt(store, m.from(), device, m.id(), "delivered", m.group());
    }

    private CompletionStage<?> receipt(OfflineStore store, Address to, Address from, String id, String kind, String group) {
        CompletionStage<?> queued = queue(store, to, from, id, kind, group);
        // a notice without seq for a one-shot sender waiting for it (sb send --wait); the queued
        // receipt still goes to the device's session (docs/PROTOCOL.md §7, "One-shot logins")
        directory.deliver(to, Node.of("receipt", "type", kind, "from", from.toString(), "id", id, "group", group));
        return queued;
    }

    /** Queues a receipt on its device's lane (in a cluster, on the node that owns it). */
    private CompletionStage<?> queue(OfflineStore store, Address to, Address from, String id, String kind, String group) {
        return intake.enqueue(store, List.of(new QueuedMessage(0, to, from, id, kind, System.currentTimeMillis(), null, group)), null, id);
    }
}
