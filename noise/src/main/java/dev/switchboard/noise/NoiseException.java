package dev.switchboard.noise;

import java.io.IOException;

/** A handshake or record that does not authenticate, or a peer that broke the protocol. */
public final class NoiseException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoiseException(String message) {
        super(message);
    }

    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
