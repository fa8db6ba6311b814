package dev.switchboard.api.protocol;

/** Why a connection's input could not be decoded. Each ends that one connection with an error stanza. */
public enum ProtocolError {
    /** The connection did not open with the protocol preamble, or named an unknown dictionary. */
    BAD_PREAMBLE,
    /** A frame's declared length exceeds the configured maximum. */
    FRAME_TOO_LARGE,
    /** A frame ended before the node it declares was complete, or had bytes left over. */
    TRUNCATED,
    /** A byte that is not a token of the negotiated dictionary. */
    UNKNOWN_TOKEN,
    /** Nesting deeper than allowed, or a node both with children and content. */
    BAD_NESTING,
    /** A string that is not valid UTF-8 or an otherwise invalid value. */
    BAD_VALUE,
    /** Text that is not well-formed XML (an XML protocol). */
    NOT_WELL_FORMED,
    /** XML the protocol forbids: a DOCTYPE, an entity declaration, a comment or a processing instruction. */
    RESTRICTED_XML;

    /** The code as sent to clients, e.g. {@code frame-too-large}. */
    public String wireCode() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
