package dev.switchboard.transport.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Where the XMPP listener listens and its limits (docs/XMPP.md). The same settings as the binary
 * listener's ({@link TransportConfiguration}), with XMPP's defaults; {@code SB_XMPP_HOST} and
 * {@code SB_XMPP_PORT} override host and port. The XMPP domain is protocol.xmpp's setting.
 */
@ObjectClassDefinition(name = "Switchboard XMPP listener")
public @interface XmppListenerConfiguration {

    @AttributeDefinition(description = "Address the XMPP listener listens on")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port of the XMPP listener (5222 is XMPP's client port)", min = "0", max = "65535")
    int port() default 5222;

    @AttributeDefinition(description = "Largest stanza accepted from a client, in bytes", min = "64")
    int maxFrameBytes() default 256 * 1024;

    @AttributeDefinition(description = "Seconds a connection waits for a missing service before it is closed", min = "1")
    int graceSeconds() default 10;

    @AttributeDefinition(description = "Threads for login steps", min = "1")
    int loginThreads() default 2;

    @AttributeDefinition(description = "Bytes written to a connection but not yet taken by its client, beyond which the"
            + " connection is closed", min = "4096")
    int maxOutboundBytes() default 4 << 20;

    @AttributeDefinition(description = "Seconds without a stanza from a client before it is pinged (XEP-0199); as long"
            + " again without an answer and the connection is closed; 0 = never", min = "0")
    int idleSeconds() default 120;

    @AttributeDefinition(description = "Stanzas a connection may send per second; beyond it reading pauses (0 = no limit)",
            min = "0")
    int maxFramesPerSecond() default 2000;

    @AttributeDefinition(description = "Open XMPP connections at most", min = "1")
    int maxConnections() default 19_500;

    @AttributeDefinition(description = "Open XMPP connections one source address may hold", min = "1")
    int maxConnectionsPerAddress() default 1000;

    @AttributeDefinition(description = "Seconds a new connection has to log in before it is closed", min = "1")
    int loginSeconds() default 15;

    @AttributeDefinition(description = "starttls: a client must start TLS (the HTTPS certificate) before it logs in;"
            + " none: STARTTLS is offered but not required, allowed only when host is a loopback address")
    String encryption() default "starttls";
}
