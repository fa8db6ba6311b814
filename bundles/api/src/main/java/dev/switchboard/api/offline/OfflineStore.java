package dev.switchboard.api.offline;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Store-and-forward queues, one per device: durable before anything is acknowledged to a sender,
 * kept in acceptance order, deleted once the device confirms delivery, expired after the retention.
 * A hot tier serves recently queued messages without reading the durable tier.
 */
@ProviderType
public interface OfflineStore {

    /**
     * Queues messages (sequence numbers are assigned here, in call and list order) and makes them
     * durable. The stage completes with the queued messages once committed, or fails with
     * {@link QueueFullException} (nothing of the batch queued) or a store failure. A committed
     * {@code message} is remembered for {@link #isDuplicate}.
     */
    CompletionStage<List<QueuedMessage>> enqueue(List<QueuedMessage> messages);

    /** A device's waiting messages after a sequence number, in order, at most {@code max}. */
    List<QueuedMessage> pending(Address device, long afterSeq, int max);

    /** The device confirmed a message: delete it. @return the message, or null if it was not waiting */
    QueuedMessage acknowledge(Address device, long seq);

    /**
     * The device confirmed every stanza up to a sequence number (a cumulative confirmation):
     * deletes each message of its queue with a seq at most {@code seq}.
     *
     * @return the deleted messages, in seq order
     */
    List<QueuedMessage> acknowledgeUpTo(Address device, long seq);

    /**
     * {@link #acknowledge(Address, long)}, telling {@code caused} the confirmed message before it
     * leaves the durable tier. What {@code caused} returns is the stage of what the confirmation
     * queued (its delivered receipt), or null: the message is deleted from the durable tier only
     * once that is safe, so a crash in between brings the message back (its device drops the
     * repeat and confirms it again, which queues the receipt again) instead of losing the receipt.
     * @since 1.3
     */
    default QueuedMessage acknowledge(Address device, long seq, Function<QueuedMessage, CompletionStage<?>> caused) {
        QueuedMessage m = acknowledge(device, seq);
        if (m != null) {
            caused.apply(m);
        }
        return m;
    }

    /** {@link #acknowledgeUpTo(Address, long)}, each deletion waiting for what it caused as above. @since 1.3 */
    default List<QueuedMessage> acknowledgeUpTo(Address device, long seq, Function<QueuedMessage, CompletionStage<?>> caused) {
        List<QueuedMessage> out = acknowledgeUpTo(device, seq);
        out.forEach(caused::apply);
        return out;
    }

    /** How many messages wait for a device. */
    int depth(Address device);

    /** How many messages wait, for every device together (a gauge for operators). */
    long waiting();

    /**
     * Takes over the queues of these devices from the durable tier (blocking: it reads it): for a
     * node of a cluster that has just taken the lane of an account another node served. What this
     * store held of them from earlier is replaced by what the durable tier holds now (what it queued
     * itself since is kept), their senders' ids are remembered as accepted, and the next messages
     * are numbered from a fresh block, above every number handed out before by any node sharing the
     * tier. A store whose tier only it writes has nothing to take over. @since 1.4
     */
    default void adopt(List<Address> devices) throws dev.switchboard.api.store.StoreException {
    }

    /** Whether a sender's message id was already accepted recently: a resend after a reconnect. */
    boolean isDuplicate(Address sender, String messageId);
}
