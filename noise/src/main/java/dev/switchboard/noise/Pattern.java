package dev.switchboard.noise;

/**
 * The two handshake patterns Switchboard speaks, with their wire byte (the fourth preamble byte).
 * Tokens per message, initiator first; IK's pre-message is the responder's static key.
 */
public enum Pattern {
    /** The client does not know the server's key: it learns it in the second message. Three messages. */
    XX(1, false, new String[][] {{"e"}, {"e", "ee", "s", "es"}, {"s", "se"}}),
    /** The client knows the server's key: its first message is already encrypted to it. Two messages. */
    IK(2, true, new String[][] {{"e", "es", "s", "ss"}, {"e", "ee", "se"}});

    public final int wire;
    final boolean responderKeyKnown;
    final String[][] messages;

    Pattern(int wire, boolean responderKeyKnown, String[][] messages) {
        this.wire = wire;
        this.responderKeyKnown = responderKeyKnown;
        this.messages = messages;
    }

    public String protocolName() {
        return "Noise_" + name() + "_25519_AESGCM_SHA256";
    }

    /** The pattern a preamble's byte names, or null. */
    public static Pattern ofWire(int b) {
        for (Pattern p : values()) {
            if (p.wire == b) {
                return p;
            }
        }
        return null;
    }
}
