package dev.switchboard.transport.internal;

import dev.switchboard.noise.Handshake;
import dev.switchboard.noise.KeyPair25519;
import dev.switchboard.noise.NoiseException;
import dev.switchboard.noise.Pattern;
import dev.switchboard.noise.Preamble;
import dev.switchboard.noise.Records;
import java.nio.ByteBuffer;
import org.apache.mina.core.buffer.IoBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first bytes of a connection decide its kind: {@code S E} starts a Noise handshake
 * (docs/PROTOCOL.md §1a), anything else is a plain connection, refused unless the listener allows
 * plain ones. After the handshake it opens the client's records, and what opens is the byte stream
 * of a plain connection for the codec. Runs under the connection's lock. Each handshake step (its
 * Curve25519 work, about 0.4 ms) runs on the login threads with the connection's reads suspended,
 * so a storm of handshakes never holds up the I/O threads that carry everyone else's messages.
 */
final class NoiseGate {

    private static final Logger LOG = LoggerFactory.getLogger(NoiseGate.class);
    /** The server's answer to IK when it does not hold the key the client used: start XX instead. */
    private static final byte[] RETRY_WITH_XX = {0, 0};

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final ServerKeys keys;
    private final InboundDispatcher dispatcher;
    private final OutboundWriter writer;
    private final java.util.concurrent.Executor steps;
    private volatile boolean plainAllowed;

    NoiseGate(ServerKeys keys, InboundDispatcher dispatcher, OutboundWriter writer, java.util.concurrent.Executor steps) {
        this.keys = keys;
        this.dispatcher = dispatcher;
        this.writer = writer;
        this.steps = steps;
    }

    void allowPlain(boolean allowed) {
        this.plainAllowed = allowed;
    }

    /**
     * @return the plaintext for the codec (maybe {@code bytes} itself on a plain connection), or
     *         null when nothing is for it yet (handshake bytes, part of a record) or it was closed
     */
    ByteBuffer open(Connection c, ByteBuffer bytes) {
        if (c.plain) {
            return bytes;
        }
        if (c.noise == null) {
            ByteBuffer in = join(c.inbound, bytes);
            c.inbound = null;
            if (in.remaining() < 2) {
                c.inbound = copy(in); // one byte cannot tell the kinds apart yet
                return null;
            }
            if (in.get(in.position()) != Preamble.MAGIC_0 || in.get(in.position() + 1) != Preamble.MAGIC_1) {
                c.plain = true;
                if (!plainAllowed) {
                    LOG.info("Refusing a plaintext connection from {}", c.remote());
                    dispatcher.fail(c, "encryption-required", "this server accepts Noise-encrypted connections only"
                            + " (docs/PROTOCOL.md §1a); a client that sends SB first must send SE and handshake");
                    return null;
                }
                return in;
            }
            c.noise = new NoiseLink();
            bytes = in;
        }
        NoiseLink n = c.noise;
        ByteBuffer in = join(n.partial, bytes);
        n.partial = null;
        try {
            if (!n.open() && !handshake(c, n, in)) {
                if (!c.closing) {
                    n.partial = copy(in);
                }
                return null;
            }
            ByteBuffer plain = ByteBuffer.allocate(Records.openedSize(in));
            Records.open(n.receive, in, plain);
            if (in.hasRemaining()) {
                n.partial = copy(in);
            }
            plain.flip();
            return plain.hasRemaining() ? plain : null;
        } catch (NoiseException e) {
            LOG.info("Closing {}: {}", c, e.getMessage());
            dispatcher.fail(c, "bad-record", e.getMessage());
            return null;
        }
    }

    /** Runs the handshake as far as the bytes go; @return true once the transport keys are in place. */
    private boolean handshake(Connection c, NoiseLink n, ByteBuffer in) throws NoiseException {
        while (true) {
            if (n.prologue == null) {
                if (in.remaining() < Preamble.LENGTH) {
                    return false;
                }
                byte[] preamble = new byte[Preamble.LENGTH];
                in.get(preamble);
                if (preamble[0] != Preamble.MAGIC_0 || preamble[1] != Preamble.MAGIC_1 || Pattern.ofWire(preamble[3]) == null) {
                    throw new NoiseException("the preamble names no handshake this server speaks (XX is 1, IK is 2)");
                }
                n.prologue = preamble;
                if (n.retried && Pattern.ofWire(preamble[3]) != Pattern.XX) {
                    throw new NoiseException("after the server asked for XX, only XX");
                }
                if (Pattern.ofWire(preamble[3]) == Pattern.XX) {
                    n.handshake = new Handshake(Pattern.XX, false, keys.current(), null, preamble);
                }
            }
            if (in.remaining() < 2) {
                return false;
            }
            int len = Short.toUnsignedInt(in.getShort(in.position()));
            if (in.remaining() < 2 + len) {
                return false;
            }
            if (!n.inStep) {
                queueStep(c, n); // the caller keeps the bytes; the step reads them on a login thread
                return false;
            }
            in.position(in.position() + 2);
            byte[] message = new byte[len];
            in.get(message);
            if (n.handshake == null) {
                answerIk(c, n, message);
            } else {
                n.handshake.readMessage(message);
                if (!n.handshake.complete()) {
                    write(c, n.handshake.writeMessage(new byte[0]));
                }
            }
            if (n.handshake != null && n.handshake.complete()) {
                Handshake.Keys k = n.handshake.split();
                n.send = k.send();
                n.receive = k.receive();
                n.handshake = null;
                n.prologue = null;
                return true;
            }
        }
    }

    /** Suspends reading and runs the handshake step, then whatever followed it, on a login thread. */
    private void queueStep(Connection c, NoiseLink n) {
        if (n.stepQueued) {
            return;
        }
        n.stepQueued = true;
        c.session.suspendRead();
        Runnable step = () -> {
            synchronized (c) {
                n.stepQueued = false;
                n.inStep = true;
                try {
                    writer.batch(() -> dispatcher.received(c, NOTHING));
                } finally {
                    n.inStep = false;
                }
                if (!c.closing && c.waitingSinceMs == 0 && c.throttledUntilMs == 0 && !n.stepQueued) {
                    c.session.resumeRead();
                }
            }
        };
        try {
            steps.execute(step);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            step.run();
        }
    }

    /** IK: tries each accepted key; none works means the client knew another key, so it is asked for XX. */
    private void answerIk(Connection c, NoiseLink n, byte[] message) throws NoiseException {
        for (KeyPair25519 key : keys.accepted()) {
            Handshake ik = new Handshake(Pattern.IK, false, key, null, n.prologue);
            try {
                ik.readMessage(message);
            } catch (NoiseException notThisKey) {
                continue;
            }
            // a client that used a previous key is told the current one, under that key's proof
            byte[] next = key == keys.current() ? new byte[0] : keys.current().publicKey();
            write(c, ik.writeMessage(next));
            n.handshake = ik;
            return;
        }
        LOG.debug("{} tried IK to a key this server does not hold; asking for XX", c);
        c.session.write(IoBuffer.wrap(RETRY_WITH_XX.clone()));
        n.retried = true;
        n.prologue = null; // the client starts again with an XX preamble
    }

    private static void write(Connection c, byte[] message) {
        IoBuffer out = IoBuffer.allocate(2 + message.length, false);
        out.putShort((short) message.length).put(message).flip();
        c.session.write(out);
    }

    private static ByteBuffer join(ByteBuffer head, ByteBuffer tail) {
        if (head == null || !head.hasRemaining()) {
            return tail;
        }
        return ByteBuffer.allocate(head.remaining() + tail.remaining()).put(head).put(tail).flip();
    }

    private static ByteBuffer copy(ByteBuffer in) {
        return in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : null;
    }
}
