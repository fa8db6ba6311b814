package dev.switchboard.routing.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.offline.QueueFullException;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.QueuedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
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
    private final AtomicLong routed;
    /** Enqueues whose commit has not been answered yet; a swap waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();

    MessageIntake(SessionDirectory directory, Lanes lanes, DeliveryPump pump, ServiceGate<OfflineStore> offline,
                  ServiceGate<AccountService> accounts, AtomicLong routed) {
        this.directory = directory;
        this.lanes = lanes;
        this.pump = pump;
        this.offline = offline;
        this.accounts = accounts;
        this.routed = routed;
    }

    /** @return false when a service it needs is missing: the transport keeps the stanza and waits */
    boolean message(Address from, Node stanza) {
        return offline.with(store -> accounts.with(accountService -> message(store, accountService, from, stanza),
                false), false);
    }

    private boolean message(OfflineStore store, AccountService accountService, Address from, Node stanza) {
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
        List<Address> targets;
        try {
            targets = targets(accountService, to);
        } catch (IllegalArgumentException e) {
            directory.deliver(from, ack(id, "bad-recipient", e.getMessage()));
            return true;
        } catch (AccountException e) {
            directory.deliver(from, ack(id, "unavailable", "service unavailable, retry"));
            return true;
        }
        long now = System.currentTimeMillis();
        List<QueuedMessage> copies = new ArrayList<>(targets.size());
        for (Address target : targets) {
            copies.add(new QueuedMessage(0, target, from, id, "message", now, stanza.content()));
        }
        enqueue(store, copies, from, id);
        return true;
    }

    private static List<Address> targets(AccountService accounts, String to) throws AccountException {
        if (to == null) {
            throw new IllegalArgumentException("'to' is missing");
        }
        Address addressed = to.indexOf('/') < 0 ? null : Address.parse(to);
        String user = addressed == null ? to : addressed.user();
        if (!Address.isUserId(user)) {
            throw new IllegalArgumentException("'to' must be a user id or user/device");
        }
        List<Address> devices = new ArrayList<>();
        for (DeviceRecord d : accounts.devices(user)) {
            if (addressed == null || d.address().equals(addressed)) {
                devices.add(d.address());
            }
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no such user or device: " + to);
        }
        return devices;
    }

    private void enqueue(OfflineStore store, List<QueuedMessage> copies, Address from, String id) {
        inFlight.incrementAndGet();
        var stage = store.enqueue(copies);
        // Hand the copies out now: the sender's ack may wait for the devices' confirmations.
        for (QueuedMessage m : copies) {
            lanes.submit(m.to().user(), () -> pump.pump(m.to()));
        }
        stage.whenComplete((queued, failure) -> {
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
                if (from != null) {
                    directory.deliver(from, ack(id, null, null));
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

    /** {@code received seq=}: the device has the stanza; delete it and tell the sender. */
    boolean received(Address device, Node stanza) {
        if (offline.peek() == null) {
            return false;
        }
        long seq;
        try {
            seq = Long.parseLong(String.valueOf(stanza.attr("seq")));
        } catch (NumberFormatException e) {
            directory.deliver(device, Node.of("error", "code", "bad-request", "text", "received needs a seq"));
            return true;
        }
        return lanes.submit(device.user(), () -> {
            // If the store went away since, the confirmation is dropped: the message stays queued
            // and comes again at the next login, where the client drops the repeated seq.
            offline.with(store -> {
                QueuedMessage m = store.acknowledge(device, seq);
                if (m != null && "message".equals(m.kind())) {
                    receipt(store, m.from(), device, m.id(), "delivered");
                }
                return null;
            }, null);
            pump.confirmed(device, seq);
            pump.pump(device);
        });
    }

    /** {@code receipt type=read to= id=}: the reader tells the original sender's device. */
    boolean readReceipt(Address reader, Node stanza) {
        return offline.with(store -> readReceipt(store, reader, stanza), false);
    }

    private boolean readReceipt(OfflineStore store, Address reader, Node stanza) {
        try {
            Address sender = Address.parse(stanza.attr("to"));
            String id = stanza.attr("id");
            if (!"read".equals(stanza.attr("type")) || id == null) {
                throw new IllegalArgumentException("a receipt needs type=read and the message id");
            }
            receipt(store, sender, reader, id, "read");
        } catch (IllegalArgumentException e) {
            directory.deliver(reader, Node.of("error", "code", "bad-request", "text", e.getMessage()));
        }
        return true;
    }

    private void receipt(OfflineStore store, Address to, Address from, String id, String kind) {
        enqueue(store, List.of(new QueuedMessage(0, to, from, id, kind, System.currentTimeMillis(), null)), null, id);
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
