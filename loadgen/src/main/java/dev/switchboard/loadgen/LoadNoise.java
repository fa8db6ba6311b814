package dev.switchboard.loadgen;

import dev.switchboard.noise.CipherKey;
import dev.switchboard.noise.Handshake;
import dev.switchboard.noise.NoiseException;
import dev.switchboard.noise.Records;
import java.nio.ByteBuffer;

/** One load connection's Noise state: the handshake under way, then its two keys and opened bytes. */
final class LoadNoise {

    Handshake handshake;
    CipherKey send;
    CipherKey receive;
    /** Opened plaintext not yet decoded into frames (kept in write mode between reads). */
    private ByteBuffer plain = ByteBuffer.allocate(1024);

    LoadNoise(Handshake handshake) {
        this.handshake = handshake;
    }

    void keys(Handshake.Keys k) {
        send = k.send();
        receive = k.receive();
        handshake = null;
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
