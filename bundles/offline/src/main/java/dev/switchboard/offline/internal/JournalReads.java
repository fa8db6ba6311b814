package dev.switchboard.offline.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading a device's queue: from memory where the message is still held, else back from the
 * journal through an Ehcache, for a device that reads its queue again soon (a reconnect, the
 * pump's next window).
 */
final class JournalReads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalReads.class);

    private final MessageJournal journal;
    private final DeviceQueues queues;
    private final CacheManager caches;
    private final Cache<Long, QueuedMessage> reread;

    JournalReads(MessageJournal journal, DeviceQueues queues, int entries, int seconds) {
        this.journal = journal;
        this.queues = queues;
        ClassLoader loader = JournalReads.class.getClassLoader();
        this.caches = CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(loader).build(true);
        this.reread = caches.createCache("reread-messages", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(Long.class, QueuedMessage.class, ResourcePoolsBuilder.heap(Math.max(1, entries)))
                .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(Duration.ofSeconds(Math.max(1, seconds))))
                .withClassLoader(loader));
    }

    /** A device's waiting messages after a seq, in order; stops before one it cannot read right now. */
    List<QueuedMessage> pending(Address device, long afterSeq, int max) {
        List<Waiting> ws = queues.after(device, afterSeq, max);
        List<QueuedMessage> out = new ArrayList<>(ws.size());
        Map<Long, QueuedMessage> fromJournal = null;
        for (Waiting w : ws) {
            QueuedMessage m = w.message;
            if (m == null) {
                m = reread.get(w.seq);
            }
            if (m == null) {
                if (fromJournal == null) {
                    fromJournal = load(device, w.seq - 1, max);
                }
                m = fromJournal.get(w.seq);
                if (m == null) {
                    if (queues.contains(device, w.seq)) {
                        break; // still waiting but not readable this instant: never skip, come back later
                    }
                    continue; // confirmed or expired since
                }
            }
            out.add(m);
        }
        return out;
    }

    /** A confirmed message that was let go from memory; a stand-in when it cannot be read. */
    QueuedMessage confirmed(Address device, Waiting w) {
        QueuedMessage m = reread.get(w.seq);
        if (m == null) {
            m = load(device, w.seq - 1, 1).get(w.seq);
        }
        reread.remove(w.seq);
        return m != null ? m : new QueuedMessage(w.seq, device, device, "", "unknown", 0, null);
    }

    /** Written messages of a device after a seq, by seq (filling the cache). */
    private Map<Long, QueuedMessage> load(Address device, long afterSeq, int max) {
        Map<Long, QueuedMessage> out = new HashMap<>();
        try {
            for (QueuedMessage m : journal.load(device, afterSeq, max)) {
                reread.put(m.seq(), m);
                out.put(m.seq(), m);
            }
        } catch (StoreException e) {
            LOG.warn("Cannot read the queue of {} now: {}", device, e.getMessage());
        }
        return out;
    }

    @Override
    public void close() {
        caches.close();
    }
}
