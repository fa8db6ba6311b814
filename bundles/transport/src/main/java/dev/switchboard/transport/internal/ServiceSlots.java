package dev.switchboard.transport.internal;

import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.routing.Router;

/**
 * The swappable services the transport calls, each possibly absent for a moment during a swap.
 * Readers take one local copy per use and never keep it (ARCHITECTURE.md rule 2).
 */
final class ServiceSlots {
    volatile FrameCodec codec;
    volatile Router router;
    volatile Authenticator authenticator;
    /**
     * Held for reading while an authenticator call runs; unbinding takes it for writing, so an
     * authenticator being replaced is not called once DS starts deactivating it.
     */
    final java.util.concurrent.locks.ReentrantReadWriteLock authenticatorInUse =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** Bumped after every bind, so a connection that just suspended can tell it raced a bind. */
    volatile long generation;

    void bound() {
        synchronized (this) {
            generation++;
        }
    }
}
