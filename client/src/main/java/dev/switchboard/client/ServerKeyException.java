package dev.switchboard.client;

import java.io.IOException;

/**
 * The server proved it holds a Noise key other than the one this client trusts for it: the
 * connection is closed before anything is sent. The message says how to accept a key that really changed.
 */
public final class ServerKeyException extends IOException {
    private static final long serialVersionUID = 1L;

    public ServerKeyException(String message) {
        super(message);
    }
}
