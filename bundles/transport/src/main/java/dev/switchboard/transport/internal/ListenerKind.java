package dev.switchboard.transport.internal;

/**
 * What differs between the transport's listeners: which codec a listener binds, where its
 * defaults and environment overrides come from, and whether its connections start with Noise.
 *
 * @param protocol          the codec's {@code protocol} service property
 * @param defaults          the configuration type whose defaults apply
 * @param environmentPrefix {@code SB_} reads {@code SB_HOST}/{@code SB_PORT}
 * @param noise             connections may be Noise-encrypted (docs/PROTOCOL.md §1a); false: the
 *                          protocol's own bytes from the first one
 */
record ListenerKind(String protocol, Class<?> defaults, String environmentPrefix, boolean noise) {

    static final ListenerKind BINARY = new ListenerKind("binary", TransportConfiguration.class, "SB_", true);
    static final ListenerKind XMPP = new ListenerKind("xmpp", XmppListenerConfiguration.class, "SB_XMPP_", false);

    /** The {@code encryption} value that secures this listener's connections: Noise, or XMPP's STARTTLS. */
    String secured() {
        return noise ? "noise" : "starttls";
    }

    /** Whose settings a log line is about: the binary listener's are the transport's (their file's name). */
    String settingsTitle() {
        return noise ? "Transport" : "XMPP listener";
    }

    /** The listener's configuration file. */
    String file() {
        return noise ? "etc/dev.switchboard.transport.cfg" : "etc/dev.switchboard.transport.xmpp.cfg";
    }

    /** The protocol's name as people read it in logs. */
    String title() {
        return protocol.equals("xmpp") ? "XMPP" : "Binary protocol";
    }
}
