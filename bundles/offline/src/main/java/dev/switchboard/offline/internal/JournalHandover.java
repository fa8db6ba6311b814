package dev.switchboard.offline.internal;

import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what waits in another durable tier into the one in use, so that switching tiers (an
 * upgrade to the local log, or {@code journal.target} changed) loses nothing: every waiting
 * message is appended to the journal in use with its own seq, then deleted from the other; the
 * sequence high-water mark moves along, so numbers never go back. Runs when the offline store
 * activates; a tier that cannot be read now is tried again at the next activation.
 */
final class JournalHandover {

    private static final Logger LOG = LoggerFactory.getLogger(JournalHandover.class);
    private static final int BATCH = 2000;

    private JournalHandover() {
    }

    static void run(BundleContext context, MessageJournal inUse) {
        if (context == null) {
            return;
        }
        try {
            for (ServiceReference<MessageJournal> ref : context.getServiceReferences(MessageJournal.class, null)) {
                MessageJournal other = context.getService(ref);
                try {
                    if (other != null && other != inUse) {
                        move(other, inUse, String.valueOf(ref.getProperty("journal")));
                    }
                } finally {
                    context.ungetService(ref);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void move(MessageJournal from, MessageJournal to, String name) {
        try {
            long mark = from.maxSeq();
            if (mark > to.maxSeq()) {
                to.reserveSequences(mark - 1, 1); // the in-use tier's mark now covers every number the other gave out
            }
            List<QueuedMessage> waiting = from.index();
            if (waiting.isEmpty()) {
                return;
            }
            // device by device through load(): index() need not carry the bodies
            java.util.Set<dev.switchboard.api.stanza.Address> devices = new java.util.LinkedHashSet<>();
            waiting.forEach(m -> devices.add(m.to()));
            for (dev.switchboard.api.stanza.Address device : devices) {
                List<QueuedMessage> queue;
                long after = 0;
                while (!(queue = from.load(device, after, BATCH)).isEmpty()) {
                    to.append(queue); // durable here before it is deleted there
                    from.remove(queue);
                    after = queue.get(queue.size() - 1).seq();
                }
            }
            LOG.info("Moved {} waiting messages from the {} journal into the one in use", waiting.size(), name);
        } catch (StoreException | RuntimeException e) {
            LOG.warn("Cannot move what waits in the {} journal now ({}); trying again at the next start", name, e.getMessage());
        }
    }
}
