package dev.switchboard.api.store;

import dev.switchboard.api.stanza.Address;
import java.util.Objects;

/**
 * A stanza waiting for one device: a message, a receipt for one, or a notification. Plain data, so
 * it can be held by a hot tier, written to the durable tier and handed across a bundle swap.
 *
 * @param seq          server-wide order of acceptance; a device receives its queue in this order
 * @param to           the device it waits for
 * @param from         the device that sent it (for a receipt: the device that received or read)
 * @param id           the sender's message id (for a receipt: the id of the message it is about)
 * @param kind         {@code message}, {@code media}, {@code e2e} (end-to-end encrypted: the body holds the
 *                     ciphertext for this device alone), {@code delivered}, {@code read} or {@code notification}
 * @param acceptedAtMs when the server accepted it, epoch milliseconds (retention counts from here)
 * @param body         the message payload; empty for receipts
 * @param group        the group it was sent to, or null for a message to one account
 */
public record QueuedMessage(long seq, Address to, Address from, String id, String kind, long acceptedAtMs, byte[] body,
                            String group) {

    public QueuedMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        body = body == null ? new byte[0] : body;
    }

    /** A message or receipt between two accounts (no group). */
    public QueuedMessage(long seq, Address to, Address from, String id, String kind, long acceptedAtMs, byte[] body) {
        this(seq, to, from, id, kind, acceptedAtMs, body, null);
    }

    /** The same message with a server sequence number. */
    public QueuedMessage withSeq(long newSeq) {
        return new QueuedMessage(newSeq, to, from, id, kind, acceptedAtMs, body, group);
    }

    /**
     * Whether it is a message a person sent (plain, media or encrypted), as opposed to a receipt or a
     * notification: such copies are delivered-receipted and their ids answer resends.
     *
     * @since 1.5
     */
    public boolean isMessage() {
        return "message".equals(kind) || "media".equals(kind) || "e2e".equals(kind);
    }

    /** Bytes it counts against its device's queue limit. */
    public int size() {
        return body.length + id.length() + 64;
    }
}
