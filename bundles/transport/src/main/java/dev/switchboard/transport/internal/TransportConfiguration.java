package dev.switchboard.transport.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Where the binary protocol listens and how patient the transport is with missing services and
 * clients. Environment variables {@code SB_HOST} and {@code SB_PORT} override host and port. The
 * transport reads these through {@link TransportSettings}, which applies changes live and keeps
 * the running value of a setting that is invalid.
 */
@ObjectClassDefinition(name = "Switchboard transport")
public @interface TransportConfiguration {

    @AttributeDefinition(description = "Address the binary protocol listens on")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port of the binary protocol", min = "0", max = "65535")
    int port() default 5200;

    @AttributeDefinition(description = "Largest frame accepted from a client, in bytes", min = "64")
    int maxFrameBytes() default 1 << 20;

    @AttributeDefinition(description = "Seconds a connection waits for a missing service before it is closed", min = "1")
    int graceSeconds() default 10;

    @AttributeDefinition(description = "Threads for login steps and account requests (key derivation and database work)", min = "1")
    int loginThreads() default 2;

    @AttributeDefinition(description = "Bytes written to a connection but not yet taken by its client, beyond which the"
            + " connection is closed (slow-consumer); what it did not confirm stays queued for its next login", min = "4096")
    int maxOutboundBytes() default 4 << 20;

    @AttributeDefinition(description = "Seconds without a frame from a client before it is pinged; as long again"
            + " without an answer and the connection is closed (idle-timeout); 0 = never", min = "0")
    int idleSeconds() default 120;

    @AttributeDefinition(description = "Frames a connection may send per second; beyond it reading pauses until the"
            + " next second (0 = no limit)", min = "0")
    int maxFramesPerSecond() default 2000;

    @AttributeDefinition(description = "Open connections at most; one more is refused with server-full", min = "1")
    int maxConnections() default 19_500;

    @AttributeDefinition(description = "Open connections one source address may hold; one more is refused with"
            + " too-many-connections", min = "1")
    int maxConnectionsPerAddress() default 1000;

    @AttributeDefinition(description = "Seconds a new connection has to log in before it is closed (login-timeout)", min = "1")
    int loginSeconds() default 15;

    @AttributeDefinition(description = "noise: every connection is Noise-encrypted (docs/PROTOCOL.md §1a); none:"
            + " plaintext connections are accepted too, allowed only when host is a loopback address")
    String encryption() default "noise";
}
