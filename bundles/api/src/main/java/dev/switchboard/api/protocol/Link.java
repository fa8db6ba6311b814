package dev.switchboard.api.protocol;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import org.osgi.annotation.versioning.ProviderType;

/** What a {@link Dialect} may do with its connection: the transport's side of the conversation. */
@ProviderType
public interface Link {

    /** The device logged in on this connection, or null before login. */
    Address address();

    /** A value the dialect kept for this connection, or null. */
    String state(String key);

    /** Keeps a value for this connection (null removes it); it outlives a swap of the dialect's bundle. */
    void state(String key, String value);

    /**
     * Replaces a value atomically: {@code change} gets the current value (or null) and returns the
     * new one (null removes it). For state both sides of the conversation change (what was sent and
     * what the client confirmed). May run {@code change} more than once; it must not have side effects.
     *
     * @return the new value
     */
    String update(String key, java.util.function.UnaryOperator<String> change);

    /** Writes a frame, already in the protocol's form, after what was written before. */
    void reply(Node frame);

    /**
     * Hands a stanza to the transport as if the client had sent it in Switchboard's vocabulary,
     * after what the client sent before: e.g. the confirmation of a stanza a protocol without
     * confirmations takes as delivered once written. Safe to call from {@link Dialect#outbound}.
     */
    void submit(Node stanza);

    /** The connection is encrypted (TLS started on it). */
    boolean secure();

    /** TLS can be started on this connection (the listener has a certificate and it is not on yet). */
    boolean canStartTls();

    /** The listener lets a client log in without encryption (configured so, on a loopback host only). */
    boolean plainAllowed();

    /**
     * Starts TLS: what was written so far goes out as it is, then both directions are TLS, the
     * server's side with the listener's certificate (XMPP's STARTTLS, after its {@code <proceed/>}).
     *
     * @return false when the connection cannot (see {@link #canStartTls})
     */
    boolean startTls();

    /** Closes the connection once what was written has gone out (the client ended its stream). */
    void close();

    /**
     * Closes the connection for a reason: the transport writes Switchboard's {@code error code= text=}
     * stanza, which the dialect turns into its protocol's form, then closes.
     */
    void fail(String code, String text);

    /** The client's address, for logs. */
    String remote();

    /**
     * The state key that makes a connection resumable: when a connection whose state holds it
     * closes, or another connection logs in as its device, the transport keeps that state for
     * {@link #RESUMABLE_SECONDS} under the key's value (a token the dialect chose and told its
     * client), for a later connection of the same device to {@link #takeOver}.
     */
    String RESUMABLE = "resumable";

    /** How long the state of a resumable connection is kept after it ended. */
    int RESUMABLE_SECONDS = 300;

    /**
     * The state an earlier connection of this connection's device left under {@code token} (see
     * {@link #RESUMABLE}), taken: it can be taken over once. Null before login, when none is kept
     * (unknown, expired, already taken) or when it was another device's.
     */
    java.util.Map<String, String> takeOver(String token);
}
