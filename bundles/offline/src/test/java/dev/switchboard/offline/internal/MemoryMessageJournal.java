package dev.switchboard.offline.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * An in-memory journal for testing queue logic (the SQL journal has its own tests against H2 and
 * MariaDB). {@link #down} fails every call as an unreachable database would; {@link #appends}
 * counts commits, to see group commit at work.
 */
public final class MemoryMessageJournal implements MessageJournal {

    public volatile boolean down;
    public int appends;
    private final TreeMap<Long, QueuedMessage> rows = new TreeMap<>();
    private long maxSeq;

    private void check() throws StoreException {
        if (down) {
            throw new StoreException("connection refused", null);
        }
    }

    @Override
    public synchronized void append(List<QueuedMessage> batch) throws StoreException {
        check();
        appends++;
        for (QueuedMessage m : batch) {
            rows.put(m.seq(), m);
            maxSeq = Math.max(maxSeq, m.seq());
        }
    }

    @Override
    public synchronized void remove(List<QueuedMessage> delivered) throws StoreException {
        check();
        delivered.forEach(m -> rows.remove(m.seq()));
    }

    @Override
    public synchronized List<QueuedMessage> load(Address device, long afterSeq, int max) throws StoreException {
        check();
        List<QueuedMessage> out = new ArrayList<>();
        for (QueuedMessage m : rows.tailMap(afterSeq, false).values()) {
            if (out.size() == max) {
                break;
            }
            if (m.to().equals(device)) {
                out.add(m);
            }
        }
        return out;
    }

    @Override
    public synchronized List<QueuedMessage> index() throws StoreException {
        check();
        return new ArrayList<>(rows.values());
    }

    @Override
    public synchronized long maxSeq() throws StoreException {
        check();
        return maxSeq;
    }

    @Override
    public synchronized long reserveSequences(long above, int count) throws StoreException {
        check();
        long first = Math.max(maxSeq, above) + 1;
        maxSeq = first + count - 1;
        return first;
    }

    @Override
    public synchronized int expire(long acceptedBeforeMs) throws StoreException {
        check();
        int before = rows.size();
        rows.values().removeIf(m -> m.acceptedAtMs() < acceptedBeforeMs);
        return before - rows.size();
    }

    @Override
    public synchronized int removeUser(String user) throws StoreException {
        check();
        int before = rows.size();
        rows.values().removeIf(m -> m.to().user().equals(user));
        return before - rows.size();
    }

    public synchronized int size() {
        return rows.size();
    }
}
