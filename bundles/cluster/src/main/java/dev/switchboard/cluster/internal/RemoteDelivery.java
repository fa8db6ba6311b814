package dev.switchboard.cluster.internal;

import dev.switchboard.api.cluster.DeviceLocation;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stanzas for devices logged in on other nodes: published on the subject of the node the
 * directory names ({@code <prefix>.node.<node>}), handed there to the local transport for the
 * session the directory names. One-way, like a socket write: a lost one is lost as a write to a
 * dropped connection is (what must not be lost stays queued until its device confirms it).
 *
 * <p>What this node hands to its own transport on another node's behalf must stay here: the
 * transport offers what it cannot deliver locally back to the cluster, which would send it on
 * to wherever the directory says, so those calls are marked and refused here.
 */
final class RemoteDelivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteDelivery.class);
    private static final ThreadLocal<Boolean> HERE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final String OP = "sb-op";
    private static final String TO = "sb-to";
    private static final String SESSION = "sb-session";

    private final Connection nats;
    private final String prefix;
    private final DeviceLocations devices;
    private final SessionDirectory local;
    private final String node;
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private Dispatcher dispatcher;
    private volatile boolean damagedSaid;

    RemoteDelivery(Connection nats, String prefix, String node, DeviceLocations devices, SessionDirectory local) {
        this.nats = nats;
        this.prefix = prefix;
        this.node = node;
        this.devices = devices;
        this.local = local;
    }

    /** Runs a call into this node's transport that must not be sent on to another node. */
    static boolean here(BooleanSupplier call) {
        boolean outer = HERE.get();
        HERE.set(Boolean.TRUE);
        try {
            return call.getAsBoolean();
        } finally {
            HERE.set(outer);
        }
    }

    String subject(String of) {
        return prefix + ".node." + of;
    }

    void start() {
        dispatcher = nats.createDispatcher(this::inbound);
        dispatcher.subscribe(subject(node));
    }

    /** Where a device is, when that is another live node; null when here, nowhere, or on a call made here. */
    private DeviceLocation elsewhere(Address device) {
        if (HERE.get()) {
            return null;
        }
        DeviceLocation at = devices.locate(device);
        return at == null || at.node().equals(node) ? null : at;
    }

    boolean deliver(Address to, long session, Node stanza) {
        DeviceLocation at = elsewhere(to);
        if (at == null || (session != 0 && session != at.session())) {
            return false;
        }
        publish(at, "deliver", NodeBytes.encode(stanza));
        return true;
    }

    boolean close(Address device, String reason) {
        DeviceLocation at = elsewhere(device);
        if (at == null) {
            return false;
        }
        publish(at, "close", reason.getBytes(StandardCharsets.UTF_8));
        return true;
    }

    List<Address> devicesOf(String user) {
        if (HERE.get()) {
            return List.of();
        }
        List<Address> out = new ArrayList<>();
        for (DeviceLocation at : devices.devicesOf(user)) {
            if (!at.node().equals(node)) {
                out.add(at.device());
            }
        }
        return out;
    }

    private void publish(DeviceLocation at, String op, byte[] body) {
        Headers h = new Headers().put(OP, op).put(TO, at.device().toString()).put(SESSION, String.valueOf(at.session()));
        nats.publish(subject(at.node()), h, body);
        sent.increment();
    }

    private void inbound(Message m) {
        received.increment();
        try {
            Headers h = m.getHeaders();
            Address to = Address.parse(h.getFirst(TO));
            long session = Long.parseLong(h.getFirst(SESSION));
            switch (h.getFirst(OP)) {
                case "deliver" -> {
                    Node stanza = NodeBytes.decode(m.getData());
                    here(() -> local.deliver(to, session, stanza));
                }
                case "close" -> {
                    if (local.sessionOf(to) == session) {
                        here(() -> local.close(to, new String(m.getData(), StandardCharsets.UTF_8)));
                    }
                }
                default -> throw new IOException("unknown operation " + h.getFirst(OP));
            }
        } catch (IOException | RuntimeException e) {
            if (!damagedSaid) { // a node of another version, or damage: said once, each dropped
                damagedSaid = true;
                LOG.warn("Dropped a stanza from another node that this one cannot read ({})", e.toString());
            }
        }
    }

    long sent() {
        return sent.sum();
    }

    long received() {
        return received.sum();
    }

    @Override
    public void close() {
        if (dispatcher != null) {
            nats.closeDispatcher(dispatcher);
        }
    }
}
