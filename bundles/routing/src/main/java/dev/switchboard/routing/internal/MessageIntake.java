package dev.switchboard.routing.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.media.MediaRegistry;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.offline.QueueFullException;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What devices send: messages (queued for every device of the recipient, acknowledged once
 * durable), {@code received} confirmations (delete, then a {@code delivered} receipt to the
 * sender), and {@code receipt type=read} (queued for the original sender).
 */
final class MessageIntake {

    private final SessionDirectory directory;
    private final Lanes lanes;
    private final DeliveryPump pump;
    private final ServiceGate<OfflineStore> offline;
    private final ServiceGate<AccountService> accounts;
    private final ServiceGate<GroupDirectory> groups;
    private final ServiceGate<MediaRegistry> media;
    private final AtomicLong routed;
    /** Enqueues whose commit has not been answered yet; a swap waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    /** What each device confirmed: read receipts are relayed only for those. */
    final DeliveredIds delivered = new DeliveredIds(200_000);

    private final Carbons carbons;

    MessageIntake(SessionDirectory directory, Lanes lanes, DeliveryPump pump, ServiceGate<OfflineStore> offline,
                  ServiceGate<AccountService> accounts, ServiceGate<GroupDirectory> groups, ServiceGate<MediaRegistry> media,
                  AtomicLong routed) {
        this.directory = directory;
        this.lanes = lanes;
        this.pump = pump;
        this.offline = offline;
        this.accounts = accounts;
        this.groups = groups;
        this.media = media;
        this.routed = routed;
        this.carbons = new Carbons(directory);
    }

    /** @return false when a service it needs is missing: the transport keeps the stanza and waits */
    boolean message(Address from, Node stanza) {
        if (stanza.attr("media") != null) {
            // a media message waits while no media bundle can say whether its blob exists
            return media.with(registry -> groupOrDirect(from, stanza, registry), false);
        }
        return groupOrDirect(from, stanza, null);
    }

    private boolean groupOrDirect(Address from, Node stanza, MediaRegistry registry) {
        if (GroupDirectory.isGroupId(stanza.attr("to"))) {
            return offline.with(store -> accounts.with(accountService -> groups.with(directory ->
                    message(store, accountService, directory, registry, from, stanza), false), false), false);
        }
        return offline.with(store -> accounts.with(accountService -> message(store, accountService, null, registry, from,
                stanza), false), false);
    }

    private boolean message(OfflineStore store, AccountService accountService, GroupDirectory groupDirectory,
                            MediaRegistry registry, Address from, Node stanza) {
        String id = stanza.attr("id");
        String to = stanza.attr("to");
        if (id == null || id.isEmpty() || id.length() > 64) {
            directory.deliver(from, Node.of("error", "code", "bad-request", "text", "message needs an id of 1-64 characters"));
            return true;
        }
        if (store.isDuplicate(from, id)) {
            directory.deliver(from, ack(id, null, null)); // a resend after a reconnect: same ack, no second copy
            return true;
        }
        String kind = "message";
        byte[] body = stanza.content();
        if (registry != null) {
            Map<String, String> reference;
            try {
                reference = MediaReferences.checked(registry, stanza);
            } catch (IllegalArgumentException e) {
                directory.deliver(from, ack(id, "bad-media", e.getMessage()));
                return true;
            } catch (StoreException e) {
                directory.deliver(from, ack(id, "unavailable", "service unavailable, retry"));
                return true;
            }
            if (reference == null) {
                directory.deliver(from, ack(id, "no-such-media", "no media " + stanza.attr("media") + "; upload it first"));
                return true;
            }
            kind = "media";
            body = StoredAttributes.encode(reference, stanza.content());
        }
        String group = groupDirectory == null ? null : to;
        List<Address> targets;
        try {
            targets = group == null ? Recipients.of(accountService, to) : Recipients.ofGroup(accountService, groupDirectory, group, from);
        } catch (IllegalArgumentException e) {
            directory.deliver(from, ack(id, "bad-recipient", e.getMessage()));
            return true;
        } catch (Recipients.NotAMember e) {
            directory.deliver(from, ack(id, "not-a-member", "you are not a member of " + group));
            return true;
        } catch (AccountException | StoreException e) {
            directory.deliver(from, ack(id, "unavailable", "service unavailable, retry"));
            return true;
        }
        if (targets.isEmpty()) {
            directory.deliver(from, ack(id, null, null)); // a group of one: nobody else to hand it to
            return true;
        }
        long now = System.currentTimeMillis();
        List<QueuedMessage> copies = new ArrayList<>(targets.size());
        for (Address target : targets) {
            copies.add(new QueuedMessage(0, target, from, id, kind, now, body, group));
        }
        enqueue(store, copies, from, id, group == null ? () -> carbons.copy(from, stanza) : null);
        return true;
    }

    private CompletionStage<List<QueuedMessage>> enqueue(OfflineStore store, List<QueuedMessage> copies, Address from, String id) {
        return enqueue(store, copies, from, id, null);
    }

    /** @param accepted run once the copies are durable, before the sender's ack (null: nothing) */
    private CompletionStage<List<QueuedMessage>> enqueue(OfflineStore store, List<QueuedMessage> copies, Address from, String id,
                                                         Runnable accepted) {
        inFlight.incrementAndGet();
        var stage = store.enqueue(copies);
        // Hand the copies out now (here, when the recipient's lane is idle): the sender's ack may
        // wait for the devices' confirmations.
        for (QueuedMessage m : copies) {
            lanes.run(m.to().user(), () -> pump.pump(m.to()));
        }
        return stage.whenComplete((queued, failure) -> {
            try {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (from != null) {
                        directory.deliver(from, cause instanceof QueueFullException full
                                ? ack(id, "recipient-queue-full", full.getMessage())
                                : ack(id, "unavailable", "could not store the message; retry"));
                    }
                    return;
                }
                if (accepted != null) {
                    accepted.run();
                }
                if (from != null) {
                    answer(from, ack(id, null, null));
                    routed.incrementAndGet();
                }
            } finally {
                if (inFlight.decrementAndGet() == 0) {
                    synchronized (idle) {
                        idle.notifyAll();
                    }
                }
            }
        });
    }

    /**
     * Delivers an answer to the sender. From the store's commit thread it goes through the
     * sender's lane, so that it joins that lane's batched writes instead of a write of its own.
     */
    private void answer(Address to, Node stanza) {
        if (lanes.onLane() || !lanes.submit(to.user(), () -> directory.deliver(to, stanza))) {
            directory.deliver(to, stanza);
        }
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
     * A device confirmed a copy: a message or media message is recorded as delivered and its sender
     * gets a delivered receipt. @return the receipt's stage (the store deletes the copy once the
     * receipt is safe), or null when the copy was something else (a receipt, a notification)
     */
    private CompletionStage<?> deliveredReceipt(OfflineStore store, Address device, QueuedMessage m) {
        if (!"message".equals(m.kind()) && !"media".equals(m.kind())) {
            return null;
        }
        delivered.delivered(device, m.from(), m.id());
        return receipt(store, m.from(), device, m.id(), "delivered", m.group());
    }

    private CompletionStage<?> receipt(OfflineStore store, Address to, Address from, String id, String kind, String group) {
        CompletionStage<?> queued =
                enqueue(store, List.of(new QueuedMessage(0, to, from, id, kind, System.currentTimeMillis(), null, group)), null, id);
        // a notice without seq for a one-shot sender waiting for it (sb send --wait); the queued
        // receipt still goes to the device's session (docs/PROTOCOL.md §7, "One-shot logins")
        directory.deliver(to, Node.of("receipt", "type", kind, "from", from.toString(), "id", id, "group", group));
        return queued;
    }

    /**
     * Queues a notification for every device of each user, waiting up to {@code waitMs} for the
     * offline store and accounts when a swap has them briefly missing (the caller is a feature
     * bundle's own thread, never an I/O thread).
     */
    CompletionStage<Void> notify(Collection<String> users, Address actor, String type, Map<String, String> attributes,
                                 long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (true) {
            CompletionStage<Void> queued = offline.with(store -> accounts.with(accountService ->
                    notify(store, accountService, users, actor, type, attributes), null), null);
            if (queued != null) {
                return queued;
            }
            if (System.nanoTime() > deadline) {
                return CompletableFuture.failedFuture(new IllegalStateException("the offline store or accounts are unavailable"));
            }
            try {
                // a swap has one of them away for a moment: wait for the bind, not a fixed time
                if (!offline.awaitBound(deadline) || !accounts.awaitBound(deadline)) {
                    return CompletableFuture.failedFuture(new IllegalStateException("the offline store or accounts are unavailable"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    private CompletionStage<Void> notify(OfflineStore store, AccountService accountService, Collection<String> users,
                                         Address actor, String type, Map<String, String> attributes) {
        long now = System.currentTimeMillis();
        byte[] body = StoredAttributes.encode(attributes, null);
        List<QueuedMessage> copies = new ArrayList<>();
        try {
            for (String user : new java.util.LinkedHashSet<>(users)) {
                for (DeviceRecord d : accountService.devices(user)) {
                    copies.add(new QueuedMessage(0, d.address(), actor, type, "notification", now, body, attributes.get("group")));
                }
            }
        } catch (AccountException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (copies.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return enqueue(store, copies, null, type).thenApply(queued -> null);
    }

    /** Waits until every enqueue has been answered. @return false on timeout */
    boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    return false;
                }
                idle.wait(leftMs);
            }
        }
        return true;
    }

    static Node ack(String id, String error, String text) {
        return Node.of("ack", "id", id, "error", error, "text", text);
    }
}
