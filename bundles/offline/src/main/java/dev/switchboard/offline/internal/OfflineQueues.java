package dev.switchboard.offline.internal;

import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.offline.QueueFullException;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store-and-forward queues: the durable tier is the message journal (group-committed), the hot
 * tier an Ehcache of recently queued messages, and the index of what waits for whom is rebuilt
 * from the journal at activation. A queued message is handed out at once; it is written to the
 * journal only if its device has not confirmed it within {@code persistDelayMs}, and its sender's
 * stage completes when every copy is either confirmed or written (docs/OFFLINE.md). Sequence
 * numbers and recent message ids are handed to the next revision through the state vault.
 */
@Component(service = OfflineStore.class, immediate = true, configurationPid = "dev.switchboard.offline")
@Designate(ocd = OfflineConfiguration.class)
public final class OfflineQueues implements OfflineStore, GroupCommitter.Source {

    /** One enqueue call: its sender's stage completes when each of its copies is confirmed or written. */
    private static final class Batch {
        final List<QueuedMessage> messages;
        final CompletableFuture<List<QueuedMessage>> done = new CompletableFuture<>();
        final java.util.concurrent.atomic.AtomicInteger open;

        Batch(List<QueuedMessage> messages) {
            this.messages = messages;
            this.open = new java.util.concurrent.atomic.AtomicInteger(messages.size());
        }
    }

    /** A copy not written yet: written when due, unless its device confirms it first. */
    private record Unwritten(QueuedMessage message, Batch batch, long dueNanos) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(OfflineQueues.class);
    private static final String VAULT_KEY = "dev.switchboard.offline";
    private static final int STATE_SHAPE = 1;

    private final MessageJournal journal;
    private final StateVault vault;
    private final DeviceIndex index;
    private final CacheManager caches;
    private final Cache<Long, QueuedMessage> hot;
    private final Map<String, Long> recentIds;
    private final long duplicateWindowMs;
    private final GroupCommitter committer;
    private final long persistDelayNanos;
    private final Map<Long, Unwritten> unwritten = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Queue<Unwritten> writeOrder = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Copies taken by the committer and not yet reported, by seq (still readable meanwhile). */
    private final Map<Long, Unwritten> writing = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService expiry;
    private final SequenceBlocks sequence;

    @Activate
    public OfflineQueues(@Reference MessageJournal journal, @Reference StateVault vault, OfflineConfiguration config)
            throws StoreException {
        if (config.retentionDays() < 1 || config.maxMessagesPerDevice() < 1 || config.maxBatch() < 1) {
            throw new IllegalArgumentException("retentionDays, maxMessagesPerDevice and maxBatch must be at least 1");
        }
        this.journal = journal;
        this.vault = vault;
        this.index = new DeviceIndex(config.maxMessagesPerDevice(), config.maxBytesPerDevice());
        this.duplicateWindowMs = TimeUnit.MINUTES.toMillis(config.duplicateMinutes());
        ClassLoader loader = OfflineQueues.class.getClassLoader();
        this.caches = CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(loader).build(true);
        this.hot = caches.createCache("hot-messages", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(Long.class, QueuedMessage.class, ResourcePoolsBuilder.heap(Math.max(1, config.hotEntries())))
                .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(Duration.ofSeconds(config.hotSeconds())))
                .withClassLoader(loader));
        int maxIds = config.duplicateEntries();
        this.recentIds = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > maxIds;
            }
        };
        Map<String, Object> handed = vault.take(VAULT_KEY).filter(s -> s.shapeVersion() == STATE_SHAPE)
                .map(s -> s.data()).orElse(Map.of());
        restoreRecentIds(handed);
        List<QueuedMessage> waiting = indexWithRetries(journal);
        waiting.forEach(index::add);
        // after a restart nothing was handed over: what still waits is at least known, so a sender
        // resending a message whose ack the restart cut off is answered, not queued again
        long now = System.currentTimeMillis();
        for (QueuedMessage m : waiting) {
            if ("message".equals(m.kind()) || "media".equals(m.kind())) {
                recentIds.putIfAbsent(m.from() + "|" + m.id(), Math.min(now, m.acceptedAtMs()));
            }
        }
        long restored = waiting.size();
        this.expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sb-offline-housekeeping");
            t.setDaemon(true);
            return t;
        });
        long inUse = handed.get("seq") instanceof Long s ? s : 0L;
        try {
            this.sequence = new SequenceBlocks(journal, config.sequenceBlock(), inUse, expiry);
        } catch (StoreException | RuntimeException e) {
            expiry.shutdownNow();
            caches.close();
            throw e;
        }
        this.persistDelayNanos = TimeUnit.MILLISECONDS.toNanos(config.persistDelayMs());
        this.committer = new GroupCommitter(journal, config.maxBatch(), this);
        long retentionMs = TimeUnit.DAYS.toMillis(config.retentionDays());
        expiry.scheduleWithFixedDelay(() -> expire(retentionMs), 1, 60, TimeUnit.MINUTES);
        LOG.info("Offline store {} ready: {} messages waiting, next sequence {}", Integer.toHexString(System.identityHashCode(this)), restored, sequence.last() + 1);
    }

    /** For framework-free tests in other modules. */
    public void deactivateForTest() throws InterruptedException {
        deactivate();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        LOG.info("Offline store {} stopping at sequence {}", Integer.toHexString(System.identityHashCode(this)), sequence.last());
        expiry.shutdownNow();
        committer.stop();
        Map<String, Object> state = new HashMap<>();
        synchronized (this) {
            state.put("seq", sequence.last());
        }
        synchronized (recentIds) {
            state.put("recentIds", new HashMap<>(recentIds));
        }
        vault.put(VAULT_KEY, STATE_SHAPE, state);
        caches.close();
    }

    /**
     * Reads what waits, retrying for up to ten seconds: when the store bundle has just been
     * replaced, the embedded database can still be closing for a moment. Failing here would leave
     * no offline store at all, since nothing would activate this component again.
     */
    private static List<QueuedMessage> indexWithRetries(MessageJournal journal) throws StoreException {
        StoreException last = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            try {
                return journal.index();
            } catch (StoreException e) {
                last = e;
                try {
                    TimeUnit.MILLISECONDS.sleep(250);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw last;
    }

    @SuppressWarnings("unchecked")
    private void restoreRecentIds(Map<String, Object> handed) {
        if (handed.get("recentIds") instanceof Map<?, ?> ids) {
            ((Map<String, Long>) ids).entrySet().stream().sorted(Map.Entry.comparingByValue())
                    .forEach(e -> recentIds.put(e.getKey(), e.getValue()));
        }
    }

    @Override
    public CompletionStage<List<QueuedMessage>> enqueue(List<QueuedMessage> messages) {
        Map<Address, long[]> perDevice = new HashMap<>();
        for (QueuedMessage m : messages) {
            long[] c = perDevice.computeIfAbsent(m.to(), d -> new long[2]);
            c[0]++;
            c[1] += m.size();
        }
        for (Map.Entry<Address, long[]> e : perDevice.entrySet()) {
            String refusal = index.refusal(e.getKey(), (int) e.getValue()[0], e.getValue()[1]);
            if (refusal != null) {
                return CompletableFuture.failedFuture(new QueueFullException(e.getKey(), refusal));
            }
        }
        List<QueuedMessage> numbered = new ArrayList<>(messages.size());
        Batch batch;
        synchronized (this) {
            // numbering and indexing under one lock keeps each device's queue in sequence order
            try {
                for (QueuedMessage m : messages) {
                    numbered.add(m.withSeq(sequence.next()));
                }
            } catch (StoreException e) {
                return CompletableFuture.failedFuture(e); // nothing indexed: the sender is told to resend
            }
            batch = new Batch(numbered);
            long due = System.nanoTime() + persistDelayNanos;
            for (QueuedMessage m : numbered) {
                index.add(m);
                Unwritten u = new Unwritten(m, batch, due);
                unwritten.put(m.seq(), u);
                writeOrder.add(u);
            }
        }
        if (persistDelayNanos == 0) {
            committer.nudge();
        }
        return batch.done;
    }

    @Override
    public List<QueuedMessage> takeDue(long nowNanos, int max) {
        List<QueuedMessage> due = new ArrayList<>();
        boolean everything = nowNanos == Long.MAX_VALUE;
        while (due.size() < max) {
            Unwritten u = writeOrder.peek();
            if (u == null || (!everything && u.dueNanos() - nowNanos > 0)) {
                break;
            }
            writeOrder.poll();
            // into 'writing' before out of 'unwritten', so a reader always finds it in one of them
            writing.put(u.message().seq(), u);
            if (unwritten.remove(u.message().seq(), u)) {
                due.add(u.message());
            } else {
                writing.remove(u.message().seq(), u); // confirmed meanwhile: nothing to write
            }
        }
        return due;
    }

    @Override
    public void persisted(List<QueuedMessage> messages) {
        for (QueuedMessage m : messages) {
            hot.put(m.seq(), m); // not confirmed in time: its device is likely away, and back within a minute
            Unwritten u = writing.remove(m.seq());
            if (u != null) {
                resolve(u.batch());
            }
        }
    }

    @Override
    public void failed(List<QueuedMessage> messages, Exception cause) {
        for (QueuedMessage m : messages) {
            Unwritten u = writing.remove(m.seq());
            index.remove(m.to(), m.seq());
            hot.remove(m.seq());
            if (u != null) {
                u.batch().done.completeExceptionally(cause);
            }
        }
    }

    /** One copy of a batch is safe (confirmed or written); the last one completes the sender's stage. */
    private void resolve(Batch b) {
        if (b.open.decrementAndGet() != 0) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (recentIds) {
            for (QueuedMessage m : b.messages) {
                if ("message".equals(m.kind()) || "media".equals(m.kind())) {
                    recentIds.put(m.from() + "|" + m.id(), now);
                }
            }
            var it = recentIds.values().iterator();
            while (it.hasNext() && it.next() < now - duplicateWindowMs) {
                it.remove();
            }
        }
        b.done.complete(b.messages);
    }

    @Override
    public List<QueuedMessage> pending(Address device, long afterSeq, int max) {
        List<Long> seqs = index.after(device, afterSeq, max);
        List<QueuedMessage> out = new ArrayList<>(seqs.size());
        Map<Long, QueuedMessage> fromJournal = null;
        for (Long seq : seqs) {
            QueuedMessage m = inMemory(seq);
            if (m == null) {
                if (fromJournal == null) {
                    fromJournal = fromJournal(device, seq - 1, max);
                }
                m = fromJournal.get(seq);
                if (m == null) {
                    if (index.contains(device, seq)) {
                        break; // still waiting but not readable this instant: never skip, come back later
                    }
                    continue; // confirmed or expired since the index was read
                }
            }
            out.add(m);
        }
        return out;
    }

    /** A waiting message not yet written, being written, or in the hot tier; else null. */
    private QueuedMessage inMemory(long seq) {
        Unwritten u = unwritten.get(seq);
        if (u == null) {
            u = writing.get(seq);
        }
        return u != null ? u.message() : hot.get(seq);
    }

    /** Written messages of a device after a seq, by seq (refilling the hot tier). */
    private Map<Long, QueuedMessage> fromJournal(Address device, long afterSeq, int max) {
        Map<Long, QueuedMessage> out = new HashMap<>();
        try {
            for (QueuedMessage m : journal.load(device, afterSeq, max)) {
                hot.put(m.seq(), m);
                out.put(m.seq(), m);
            }
        } catch (StoreException e) {
            LOG.warn("Cannot read the queue of {} now: {}", device, e.getMessage());
        }
        return out;
    }

    @Override
    public QueuedMessage acknowledge(Address device, long seq) {
        if (!index.remove(device, seq)) {
            return null;
        }
        Unwritten u = unwritten.remove(seq);
        if (u != null) {
            resolve(u.batch()); // confirmed before it was due for writing: never touches the journal
            return u.message();
        }
        QueuedMessage m = inMemory(seq);
        hot.remove(seq);
        if (m == null) {
            m = fromJournal(device, seq - 1, 1).get(seq);
        }
        if (m == null) {
            m = new QueuedMessage(seq, device, device, "", "unknown", 0, null);
        }
        committer.delete(m);
        return m;
    }

    @Override
    public int depth(Address device) {
        return index.depth(device);
    }

    @Override
    public long waiting() {
        return index.total();
    }

    @Override
    public boolean isDuplicate(Address sender, String messageId) {
        Long at;
        synchronized (recentIds) {
            at = recentIds.get(sender + "|" + messageId);
        }
        return at != null && at >= System.currentTimeMillis() - duplicateWindowMs;
    }

    private void expire(long retentionMs) {
        long cutoff = System.currentTimeMillis() - retentionMs;
        try {
            int durable = journal.expire(cutoff);
            int indexed = index.expire(cutoff);
            if (durable > 0 || indexed > 0) {
                LOG.info("Expired {} undelivered messages older than the retention", Math.max(durable, indexed));
            }
        } catch (StoreException e) {
            LOG.warn("Expiry failed; retrying next run: {}", e.getMessage());
        }
    }
}
