package dev.switchboard.offline.internal;

import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.offline.QueueFullException;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store-and-forward queues. Each device's queue ({@link DeviceQueues}) holds its waiting messages
 * in seq order; a queued message is handed out at once and written to the journal only if its
 * device has not confirmed it within {@code persistDelayMs} (the write-behind, group-committed by
 * {@link GroupCommitter}); its sender's stage completes when every copy is confirmed or written
 * (docs/OFFLINE.md). Written messages stay in memory while {@link HeldMessages} allows; what was
 * let go is read back from the journal ({@link JournalReads}). Sequence numbers and recent message
 * ids ({@link RecentIds}) are handed to the next revision through the state vault.
 */
@Component(service = OfflineStore.class, immediate = true, configurationPid = "dev.switchboard.offline")
@Designate(ocd = OfflineConfiguration.class)
public final class OfflineQueues implements OfflineStore {

    /** Messages read per query when a cluster's node takes over a device's queue. */
    private static final int ADOPT_PAGE = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(OfflineQueues.class);
    private static final String VAULT_KEY = "dev.switchboard.offline";
    private static final int STATE_SHAPE = 1;

    private final MessageJournal journal;
    private final StateVault vault;
    private final DeviceQueues queues;
    private final JournalReads reads;
    private final RecentIds recentIds;
    private final WriteBehind writes;
    private final ScheduledExecutorService expiry;
    private final SequenceBlocks sequence;

    @Activate
    public OfflineQueues(@Reference(name = "journal") MessageJournal journal, @Reference StateVault vault,
                         OfflineConfiguration config, BundleContext context) throws StoreException {
        this(journal, vault, config, () -> JournalHandover.run(context, journal));
    }

    /** For framework-free tests in other modules: one journal, nothing to hand over. */
    public OfflineQueues(MessageJournal journal, StateVault vault, OfflineConfiguration config) throws StoreException {
        this(journal, vault, config, () -> { });
    }

    private OfflineQueues(MessageJournal journal, StateVault vault, OfflineConfiguration config, Runnable handover)
            throws StoreException {
        if (config.retentionDays() < 1 || config.maxMessagesPerDevice() < 1 || config.maxBatch() < 1) {
            throw new IllegalArgumentException("retentionDays, maxMessagesPerDevice and maxBatch must be at least 1");
        }
        this.journal = journal;
        this.vault = vault;
        this.queues = new DeviceQueues(config.maxMessagesPerDevice(), config.maxBytesPerDevice());
        this.recentIds = new RecentIds(config.duplicateEntries(), TimeUnit.MINUTES.toMillis(config.duplicateMinutes()));
        this.reads = new JournalReads(journal, queues, config.hotEntries(), config.hotSeconds());
        Map<String, Object> handed = vault.take(VAULT_KEY).filter(s -> s.shapeVersion() == STATE_SHAPE)
                .map(s -> s.data()).orElse(Map.of());
        if (handed.get("recentIds") instanceof Map<?, ?> ids) {
            recentIds.restore(ids);
        }
        handover.run(); // before reading the index: what another tier held is then in this one
        List<QueuedMessage> waiting = indexWithRetries(journal);
        // after a restart nothing was handed over: what still waits is at least known, so a sender
        // resending a message whose ack the restart cut off is answered, not queued again
        long now = System.currentTimeMillis();
        for (QueuedMessage m : waiting) {
            Waiting w = new Waiting(m, null, 0, Waiting.WRITTEN);
            w.letGo(); // read back from the journal when its device asks
            queues.add(m.to(), w);
            if (RecentIds.counts(m)) {
                recentIds.rememberIfAbsent(m.from(), m.id(), Math.min(now, m.acceptedAtMs()));
            }
        }
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
            reads.close();
            throw e;
        }
        HeldMessages held = new HeldMessages(Math.max(0, config.hotEntries()), Math.max(0, config.hotMegabytes()) * (1L << 20));
        this.writes = new WriteBehind(journal, config.maxBatch(), TimeUnit.MILLISECONDS.toNanos(config.persistDelayMs()), held,
                queues, this::resolve);
        long retentionMs = TimeUnit.DAYS.toMillis(config.retentionDays());
        expiry.scheduleWithFixedDelay(() -> expire(retentionMs), 1, 60, TimeUnit.MINUTES);
        LOG.info("Offline store {} ready: {} messages waiting, next sequence {}", Integer.toHexString(System.identityHashCode(this)),
                waiting.size(), sequence.last() + 1);
    }

    /** For framework-free tests in other modules. */
    public void deactivateForTest() throws InterruptedException {
        deactivate();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        LOG.info("Offline store {} stopping at sequence {}", Integer.toHexString(System.identityHashCode(this)), sequence.last());
        expiry.shutdownNow();
        writes.stop();
        Map<String, Object> state = new HashMap<>();
        synchronized (this) {
            state.put("seq", sequence.last());
        }
        state.put("recentIds", recentIds.snapshot());
        vault.put(VAULT_KEY, STATE_SHAPE, state);
        reads.close();
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

    @Override
    public CompletionStage<List<QueuedMessage>> enqueue(List<QueuedMessage> messages) {
        String refusal = refusal(messages);
        if (refusal != null) {
            return CompletableFuture.failedFuture(new QueueFullException(messages.get(0).to(), refusal));
        }
        List<QueuedMessage> numbered = new ArrayList<>(messages.size());
        Batch batch;
        synchronized (this) {
            // numbering and queueing under one lock keeps each device's queue in sequence order
            try {
                for (int i = 0; i < messages.size(); i++) {
                    numbered.add(messages.get(i).withSeq(sequence.next()));
                }
            } catch (StoreException e) {
                return CompletableFuture.failedFuture(e); // nothing queued: the sender is told to resend
            }
            batch = new Batch(numbered);
            long due = writes.dueFromNow();
            for (int i = 0; i < numbered.size(); i++) {
                QueuedMessage m = numbered.get(i);
                Waiting w = new Waiting(m, batch, due, Waiting.UNWRITTEN);
                queues.add(m.to(), w);
                writes.add(w);
            }
        }
        writes.added();
        return batch.done;
    }

    @Override
    public void adopt(List<Address> devices) throws StoreException {
        // read outside the lock, a page at a time, keeping only where each message is (its body is
        // read back from the tier when its device asks, as after a restart)
        Map<Address, List<Waiting>> held = new HashMap<>();
        int count = 0;
        for (Address d : devices) {
            List<Waiting> entries = new ArrayList<>();
            long after = 0;
            List<QueuedMessage> page;
            do {
                page = journal.load(d, after, ADOPT_PAGE);
                for (QueuedMessage m : page) {
                    Waiting w = new Waiting(m, null, 0, Waiting.WRITTEN);
                    w.letGo();
                    entries.add(w);
                    if (RecentIds.counts(m)) {
                        recentIds.rememberIfAbsent(m.from(), m.id(), Math.min(System.currentTimeMillis(), m.acceptedAtMs()));
                    }
                    after = m.seq();
                }
            } while (page.size() == ADOPT_PAGE);
            held.put(d, entries);
            count += entries.size();
        }
        synchronized (this) { // as enqueue numbers and queues under it: no copy lands between the two steps
            for (Map.Entry<Address, List<Waiting>> e : held.entrySet()) {
                queues.dropRead(e.getKey());
                for (Waiting w : e.getValue()) {
                    if (!queues.contains(e.getKey(), w.seq)) {
                        queues.add(e.getKey(), w);
                    }
                }
            }
            sequence.fresh();
        }
        LOG.info("Took over the queues of {} ({} messages waiting), numbering from {}", devices, count, sequence.last() + 1);
    }

    /** Why a device cannot take its copies, or null. */
    private String refusal(List<QueuedMessage> messages) {
        if (messages.size() == 1) {
            QueuedMessage m = messages.get(0);
            return queues.refusal(m.to(), 1, m.size());
        }
        Map<Address, long[]> perDevice = new HashMap<>();
        for (QueuedMessage m : messages) {
            long[] c = perDevice.computeIfAbsent(m.to(), d -> new long[2]);
            c[0]++;
            c[1] += m.size();
        }
        for (Map.Entry<Address, long[]> e : perDevice.entrySet()) {
            String refusal = queues.refusal(e.getKey(), (int) e.getValue()[0], e.getValue()[1]);
            if (refusal != null) {
                return refusal;
            }
        }
        return null;
    }

    /** One copy of a batch is safe (confirmed or written); the last one completes the sender's stage. */
    private void resolve(Batch b) {
        if (b == null || !b.copySafe()) {
            return;
        }
        long now = System.currentTimeMillis();
        for (QueuedMessage m : b.messages) {
            if (RecentIds.counts(m)) {
                recentIds.remember(m.from(), m.id(), now);
            }
        }
        b.done.complete(b.messages);
    }

    @Override
    public List<QueuedMessage> pending(Address device, long afterSeq, int max) {
        return reads.pending(device, afterSeq, max);
    }

    @Override
    public QueuedMessage acknowledge(Address device, long seq) {
        return acknowledge(device, seq, m -> null);
    }

    @Override
    public QueuedMessage acknowledge(Address device, long seq, Function<QueuedMessage, CompletionStage<?>> caused) {
        Waiting w = queues.remove(device, seq);
        return w == null ? null : confirmed(device, w, caused);
    }

    @Override
    public List<QueuedMessage> acknowledgeUpTo(Address device, long seq) {
        return acknowledgeUpTo(device, seq, m -> null);
    }

    @Override
    public List<QueuedMessage> acknowledgeUpTo(Address device, long seq, Function<QueuedMessage, CompletionStage<?>> caused) {
        List<Waiting> ws = queues.removeUpTo(device, seq);
        List<QueuedMessage> out = new ArrayList<>(ws.size());
        for (Waiting w : ws) {
            QueuedMessage m = confirmed(device, w, caused);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * A copy left its device's queue confirmed: resolve it, or delete it from the journal once
     * what the confirmation caused (its receipt) is safe too.
     */
    private QueuedMessage confirmed(Address device, Waiting w, Function<QueuedMessage, CompletionStage<?>> caused) {
        QueuedMessage m = w.message;
        switch (w.finish()) {
            case Waiting.UNWRITTEN:
                resolve(w.batch); // confirmed before it was due for writing: never touches the journal
                caused.apply(m);
                return m;
            case Waiting.WRITING:
                deleteAfter(m, caused.apply(m)); // deletes follow appends on the commit thread
                return m;
            case Waiting.WRITTEN:
                writes.released(w);
                if (m == null) {
                    m = reads.confirmed(device, w);
                }
                deleteAfter(m, caused.apply(m));
                return m;
            default:
                return null; // expired meanwhile
        }
    }

    /** Deletes a written copy from the journal, once {@code first} is safe (whether it failed or not). */
    private void deleteAfter(QueuedMessage m, CompletionStage<?> first) {
        if (first == null) {
            writes.delete(m);
        } else {
            first.whenComplete((done, failure) -> writes.delete(m));
        }
    }

    @Override
    public int depth(Address device) {
        return queues.depth(device);
    }

    @Override
    public long waiting() {
        return queues.total();
    }

    @Override
    public boolean isDuplicate(Address sender, String messageId) {
        return recentIds.seen(sender, messageId);
    }

    private void expire(long retentionMs) {
        long cutoff = System.currentTimeMillis() - retentionMs;
        try {
            int durable = journal.expire(cutoff);
            List<Waiting> gone = queues.expire(cutoff);
            for (Waiting w : gone) {
                if (w.finish() == Waiting.WRITTEN) {
                    writes.released(w);
                }
            }
            if (durable > 0 || !gone.isEmpty()) {
                LOG.info("Expired {} undelivered messages older than the retention", Math.max(durable, gone.size()));
            }
        } catch (StoreException e) {
            LOG.warn("Expiry failed; retrying next run: {}", e.getMessage());
        }
    }
}
