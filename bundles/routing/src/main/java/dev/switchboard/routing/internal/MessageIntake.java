package dev.switchboard.routing.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.keys.KeyDirectory;
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
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What devices send and the server queues: messages (queued for every device of the recipient,
 * acknowledged once durable) and notifications. Confirmations and receipts are {@link Receipts}'.
 */
final class MessageIntake {

    private final SessionDirectory directory;
    private final Lanes lanes;
    private final ServiceGate<OfflineStore> offline;
    private final ServiceGate<AccountService> accounts;
    private final ServiceGate<GroupDirectory> groups;
    private final ServiceGate<MediaRegistry> media;
    private final ServiceGate<KeyDirectory> keys;
    private final AtomicLong routed;
    /** Enqueues whose commit has not been answered yet; a swap waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private final Carbons carbons;
    private final LaneQueueing queueing;
    /** The cluster's lane owners; null when the node runs alone. */
    private final Supplier<LaneOwnership> cluster;

    MessageIntake(SessionDirectory directory, Lanes lanes, ServiceGate<OfflineStore> offline,
                  ServiceGate<AccountService> accounts, ServiceGate<GroupDirectory> groups, ServiceGate<MediaRegistry> media,
                  ServiceGate<KeyDirectory> keys, AtomicLong routed, LaneQueueing queueing, Supplier<LaneOwnership> cluster) {
        this.queueing = queueing;
        this.cluster = cluster;
        this.directory = directory;
        this.lanes = lanes;
        this.offline = offline;
        this.accounts = accounts;
        this.groups = groups;
        this.media = media;
        this.keys = keys;
        this.routed = routed;
        this.carbons = new Carbons(directory);
    }

    /** @return false when a service it needs is missing: the transport keeps the stanza and waits */
    boolean message(Address from, Node stanza) {
        return message(from, stanza, null);
    }

    /**
     * @param reply where the sender's answer (its ack, or the error) goes instead of its session:
     *              a message another node forwarded is answered to that node; null: the session
     */
    boolean message(Address from, Node stanza, Consumer<Node> reply) {
        if (stanza.attr("e2e") != null) {
            // an encrypted message waits while no key directory can say which devices must be covered
            return keys.with(directory -> withMedia(from, stanza, directory, reply), false);
        }
        return withMedia(from, stanza, null, reply);
    }

    private boolean withMedia(Address from, Node stanza, KeyDirectory keyDirectory, Consumer<Node> reply) {
        if (stanza.attr("media") != null) {
            // a media message waits while no media bundle can say whether its blob exists
            return media.with(registry -> groupOrDirect(from, stanza, registry, keyDirectory, reply), false);
        }
        return groupOrDirect(from, stanza, null, keyDirectory, reply);
    }

    private boolean groupOrDirect(Address from, Node stanza, MediaRegistry registry, KeyDirectory keyDirectory,
                                  Consumer<Node> reply) {
        Services services = registry == null && keyDirectory == null ? Services.NONE : new Services(registry, keyDirectory);
        if (GroupDirectory.isGroupId(stanza.attr("to"))) {
            return offline.with(store -> accounts.with(accountService -> groups.with(directory ->
                    message(store, accountService, directory, services, from, stanza, reply), false), false), false);
        }
        return offline.with(store -> accounts.with(accountService -> message(store, accountService, null, services, from,
                stanza, reply), false), false);
    }

    /** The sender's answer, now: to the forwarding node, or to its session. */
    private void reply(Address from, Node answer, Consumer<Node> reply) {
        if (reply != null) {
            reply.accept(answer);
        } else {
            directory.deliver(from, answer);
        }
    }

    /** The optional services a message needs: media for a media message, keys for an encrypted one (else null). */
    private record Services(MediaRegistry media, KeyDirectory keys) {
        /** A plain text message's: shared, so the common case allocates nothing for it. */
        static final Services NONE = new Services(null, null);
    }

    private boolean message(OfflineStore store, AccountService accountService, GroupDirectory groupDirectory, Services services,
                            Address from, Node stanza, Consumer<Node> reply) {
        String id = stanza.attr("id");
        String to = stanza.attr("to");
        if (id == null || id.isEmpty() || id.length() > 64) {
            reply(from, Node.of("error", "code", "bad-request", "text", "message needs an id of 1-64 characters"), reply);
            return true;
        }
        if (services.keys() != null && !"1".equals(stanza.attr("e2e"))) {
            reply(from, ack(id, "bad-request", "e2e= is 1 or absent"), reply);
            return true;
        }
        if (store.isDuplicate(from, id)) {
            reply(from, ack(id, null, null), reply); // a resend after a reconnect: same ack, no second copy
            return true;
        }
        Map<String, String> reference = null;
        if (services.media() != null) {
            try {
                reference = MediaReferences.checked(services.media(), stanza);
            } catch (IllegalArgumentException e) {
                reply(from, ack(id, "bad-media", e.getMessage()), reply);
                return true;
            } catch (StoreException e) {
                reply(from, ack(id, "unavailable", "service unavailable, retry"), reply);
                return true;
            }
            if (reference == null) {
                reply(from, ack(id, "no-such-media", "no media " + stanza.attr("media") + "; upload it first"), reply);
                return true;
            }
        }
        String group = groupDirectory == null ? null : to;
        long now = System.currentTimeMillis();
        List<QueuedMessage> copies;
        try {
            if (services.keys() != null && group == null) {
                copies = EncryptedFanOut.direct(accountService, services.keys(), from, stanza, reference, now);
            } else {
                List<Address> targets = group == null
                        ? Recipients.of(accountService, to) : Recipients.ofGroup(accountService, groupDirectory, group, from);
                copies = services.keys() != null
                        ? EncryptedFanOut.group(services.keys(), targets, from, stanza, group, reference, now)
                        : plainCopies(targets, from, stanza, id, group, reference, now);
            }
        } catch (EncryptedFanOut.Refused r) {
            reply(from, r.ack(id), reply);
            return true;
        } catch (IllegalArgumentException e) {
            reply(from, ack(id, "bad-recipient", e.getMessage()), reply);
            return true;
        } catch (Recipients.NotAMember e) {
            reply(from, ack(id, "not-a-member", "you are not a member of " + group), reply);
            return true;
        } catch (AccountException | StoreException e) {
            reply(from, ack(id, "unavailable", "service unavailable, retry"), reply);
            return true;
        }
        if (copies.isEmpty()) {
            reply(from, ack(id, null, null), reply); // a group of one: nobody else to hand it to
            return true;
        }
        // carbons are live copies of a plain direct message; an encrypted one has queued copies for the sender's devices
        enqueue(store, copies, from, id, group == null && services.keys() == null ? () -> carbons.copy(from, stanza) : null, reply);
        return true;
    }

    private static List<QueuedMessage> plainCopies(List<Address> targets, Address from, Node stanza, String id, String group,
                                                   Map<String, String> reference, long now) {
        String kind = reference == null ? "message" : "media";
        byte[] body = reference == null ? stanza.content() : StoredAttributes.encode(reference, stanza.content());
        List<QueuedMessage> copies = new ArrayList<>(targets.size());
        for (Address target : targets) {
            copies.add(new QueuedMessage(0, target, from, id, kind, now, body, group));
        }
        return copies;
    }

    /** Queues copies (a receipt's, too): handed out at once, and counted until their commit is answered. */
    CompletionStage<List<QueuedMessage>> enqueue(OfflineStore store, List<QueuedMessage> copies, Address from, String id) {
        return enqueue(store, copies, from, id, null, null);
    }

    /** @param accepted run once the copies are durable, before the sender's ack (null: nothing) */
    private CompletionStage<List<QueuedMessage>> enqueue(OfflineStore store, List<QueuedMessage> copies, Address from, String id,
                                                         Runnable accepted, Consumer<Node> reply) {
        inFlight.incrementAndGet();
        LaneOwnership c = cluster.get();
        var stage = c == null ? queueing.here(store, copies) : queueing.onLanes(c, store, copies);
        return stage.whenComplete((queued, failure) -> {
            try {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (from != null) {
                        reply(from, cause instanceof QueueFullException full
                                ? ack(id, "recipient-queue-full", full.getMessage())
                                : ack(id, "unavailable", "could not store the message; retry"), reply);
                    }
                    return;
                }
                if (accepted != null) {
                    accepted.run();
                }
                if (from != null) {
                    if (reply != null) {
                        reply.accept(ack(id, null, null));
                    } else {
                        answer(from, ack(id, null, null));
                    }
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
