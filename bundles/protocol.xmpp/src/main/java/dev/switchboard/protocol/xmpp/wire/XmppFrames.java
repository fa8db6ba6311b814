package dev.switchboard.protocol.xmpp.wire;

/**
 * The node tags of the stream's own pieces. They start with {@code #}, which no XML name can, so a
 * client's element can never pass for one of them.
 */
public final class XmppFrames {

    /** The stream's opening tag, either way; attributes as on the wire. */
    public static final String OPEN = "#open";
    /** The stream's closing tag {@code </stream:stream>}, either way. */
    public static final String CLOSE = "#close";
    /** Whitespace between stanzas: a client's keep-alive (RFC 6120 §4.6.1). */
    public static final String SPACE = "#space";

    private XmppFrames() {
    }
}
