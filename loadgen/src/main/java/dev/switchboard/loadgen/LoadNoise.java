package dev.switchboard.loadgen;

import dev.switchboard.noise.CipherKey;
import dev.switchboard.noise.Handshake;
import dev.switchboard.noise.KeyPair25519;
import dev.switchboard.noise.NoiseException;
import dev.switchboard.noise.Pattern;
import dev.switchboard.noise.Preamble;
import dev.switchboard.noise.Records;
import java.nio.ByteBuffer;

/** One load connection's Noise state: the handshake under way, then its two keys and opened bytes. */
final class LoadNoise {

    private final byte[] preamble;
    private Handshake handshake;
    private byte[] serverKey;
    private CipherKey send;
    private CipherKey receive;
    /** Opened plaintext not yet decoded into frames (kept in write mode between reads). */
    private ByteBuffer plain = ByteBuffer.allocate(1024);

    /** @param serverKey the server's static key for IK; null for XX */
    LoadNoise(Pattern pattern, KeyPair25519 clientKey, byte[] serverKey) {
        this.preamble = Preamble.of(1, pattern);
        this.handshake = new Handshake(pattern, true, clientKey, pattern == Pattern.IK ? serverKey : null, preamble);
    }

    /** The preamble and the client's first handshake message, as the connection's first bytes. */
    ByteBuffer firstMessage() throws NoiseException {
        byte[] message = handshake.writeMessage(new byte[0]);
        return ByteBuffer.allocate(preamble.length + 2 + message.length).put(preamble)
                .putShort((short) message.length).put(message).flip();
    }

    /** Takes one length-prefixed handshake message off {@code in}; null while it is incomplete. */
    static byte[] nextMessage(ByteBuffer in) {
        if (in.remaining() < 2) {
            return null;
        }
        int len = Short.toUnsignedInt(in.getShort(in.position()));
        if (in.remaining() < 2 + len) {
            return null;
        }
        in.position(in.position() + 2);
        byte[] message = new byte[len];
        in.get(message);
        return message;
    }

    /** Reads a server handshake message. @return the client's answer to send, or null when none is due */
    ByteBuffer read(byte[] message) throws NoiseException {
        handshake.readMessage(message);
        ByteBuffer reply = null;
        if (handshake.writing()) {
            byte[] answer = handshake.writeMessage(new byte[0]);
            reply = ByteBuffer.allocate(2 + answer.length).putShort((short) answer.length).put(answer).flip();
        }
        if (handshake.complete()) {
            serverKey = handshake.remoteStatic();
            Handshake.Keys k = handshake.split();
            send = k.send();
            receive = k.receive();
            handshake = null;
        }
        return reply;
    }

    /** The handshake is complete: records can be sealed and opened. */
    boolean ready() {
        return receive != null;
    }

    /** The server's static key, once the handshake is complete. */
    byte[] serverKey() {
        return serverKey;
    }

    /** Opens the complete records in {@code sealed}; @return the plaintext so far, ready to read (compact it after) */
    ByteBuffer open(ByteBuffer sealed) throws NoiseException {
        if (plain.remaining() < sealed.remaining()) {
            plain = ByteBuffer.allocate(Math.max(plain.capacity() * 2, plain.position() + sealed.remaining())).put(plain.flip());
        }
        Records.open(receive, sealed, plain);
        return plain.flip();
    }

    ByteBuffer seal(ByteBuffer frames) throws NoiseException {
        ByteBuffer out = ByteBuffer.allocate(Records.sealedSize(frames.remaining()));
        Records.seal(send, frames, out);
        return out.flip();
    }
}
