package dev.switchboard.cluster.internal;

import dev.switchboard.api.cluster.PeerWork;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.QueuedMessage;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work for a lane another node owns, as requests on that node's subject {@code <prefix>.lane.<node>}:
 * a message a device of this node sent, or copies to queue for that node's accounts (a group
 * message's, a receipt, a notification). Requests from one
 * node to another arrive in the order they were sent and are handled one at a time, so what one
 * sender sends one recipient keeps its order. The answer says whether the owner took it; no answer
 * within the timeout counts as "not taken", and the sender is told to resend.
 */
final class LaneForwarding implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LaneForwarding.class);
    private static final byte[] TAKEN = {'1'};
    private static final byte[] REFUSED = {'0'};

    private final Connection nats;
    private final String prefix;
    private final String node;
    private final Supplier<PeerWork> work;
    private final Duration timeout;
    private Dispatcher dispatcher;

    LaneForwarding(Connection nats, String prefix, String node, Supplier<PeerWork> work, Duration timeout) {
        this.nats = nats;
        this.prefix = prefix;
        this.node = node;
        this.work = work;
        this.timeout = timeout;
    }

    private String subject(String of) {
        return prefix + ".lane." + of;
    }

    void start() {
        dispatcher = nats.createDispatcher(this::inbound);
        dispatcher.subscribe(subject(node));
    }

    /** @return the sender's answer, or null when the owner did not take the stanza */
    CompletionStage<Node> forward(String owner, Address from, Node stanza) {
        Headers h = new Headers().put("sb-op", "message").put("sb-from", from.toString());
        return send(owner, h, NodeBytes.encode(stanza)).thenApply(reply -> {
            if (reply.length <= 1) {
                return null; // refused
            }
            try {
                return NodeBytes.decode(reply);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** @return completes once the owner has them safe, or fails */
    CompletionStage<Void> queue(String owner, List<QueuedMessage> copies) {
        Headers h = new Headers().put("sb-op", "queue");
        return send(owner, h, CopyBytes.encode(copies)).thenApply(reply -> {
            if (!(reply.length == 1 && reply[0] == '1')) {
                throw new IllegalStateException("node " + owner + " did not queue the copies");
            }
            return null;
        });
    }

    private CompletionStage<byte[]> send(String owner, Headers h, byte[] body) {
        try {
            return nats.requestWithTimeout(subject(owner), h, body, timeout).thenApply(Message::getData);
        } catch (RuntimeException e) { // not connected, or closing
            return CompletableFuture.failedFuture(e);
        }
    }

    private void inbound(Message m) {
        PeerWork w = work.get();
        if (w == null || m.getReplyTo() == null) {
            reply(m, false); // routing is being replaced: the sender resends
            return;
        }
        try {
            Headers h = m.getHeaders();
            switch (String.valueOf(h.getFirst("sb-op"))) {
                case "message" -> {
                    // the answer comes later (once the copies are safe), once: it is the reply
                    Address from = Address.parse(h.getFirst("sb-from"));
                    if (!w.forwarded(from, NodeBytes.decode(m.getData()), answer -> answer(m, answer))) {
                        reply(m, false);
                    }
                }
                case "queue" -> w.queue(CopyBytes.decode(m.getData())).whenComplete((v, e) -> reply(m, e == null));
                default -> reply(m, false);
            }
        } catch (Exception e) {
            LOG.warn("Refused work from another node that this one cannot read ({})", e.toString());
            reply(m, false);
        }
    }

    private void answer(Message m, Node answer) {
        if (m.getReplyTo() != null) {
            nats.publish(m.getReplyTo(), NodeBytes.encode(answer));
        }
    }

    private void reply(Message m, boolean taken) {
        if (m.getReplyTo() != null) {
            nats.publish(m.getReplyTo(), taken ? TAKEN : REFUSED);
        }
    }

    @Override
    public void close() {
        if (dispatcher != null) {
            nats.closeDispatcher(dispatcher);
        }
    }
}
