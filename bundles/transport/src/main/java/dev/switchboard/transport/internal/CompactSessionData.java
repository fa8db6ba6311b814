package dev.switchboard.transport.internal;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.mina.core.session.AbstractIoSession;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionAttributeMap;
import org.apache.mina.core.session.IoSessionDataStructureFactory;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.core.write.WriteRequestQueue;

/**
 * MINA's per-session structures, trimmed for a server that holds tens of thousands of mostly idle
 * connections. MINA's defaults give each session a ConcurrentHashMap of attributes and a
 * ConcurrentLinkedQueue of writes (about 150 bytes with nothing in them); Switchboard keeps exactly
 * one attribute (its {@link Connection}) and rarely more than one write in flight, since the
 * outbound writer coalesces a connection's frames into one buffer.
 */
final class CompactSessionData implements IoSessionDataStructureFactory {

    @Override
    public IoSessionAttributeMap getAttributeMap(IoSession session) {
        return new SmallAttributeMap();
    }

    @Override
    public WriteRequestQueue getWriteRequestQueue(IoSession session) {
        return new SmallWriteQueue();
    }

    /**
     * MINA's write queue for one session: offered to by any thread, polled by its I/O thread. As in
     * MINA's own queue, polling the close marker that {@code closeOnFlush} queued closes the session
     * (everything written before it has gone out by then).
     */
    static final class SmallWriteQueue extends ShortQueue<WriteRequest> implements WriteRequestQueue {

        @Override
        public WriteRequest poll(IoSession session) {
            WriteRequest next;
            synchronized (this) {
                next = poll();
            }
            if (next == AbstractIoSession.CLOSE_REQUEST) {
                session.closeNow();
                return null;
            }
            return next;
        }

        @Override
        public synchronized void offer(IoSession session, WriteRequest request) {
            add(request);
        }

        @Override
        public synchronized boolean isEmpty(IoSession session) {
            return isEmpty();
        }

        @Override
        public synchronized void clear(IoSession session) {
            removeAll();
        }

        @Override
        public void dispose(IoSession session) {
            // nothing held outside this object
        }

        @Override
        public synchronized int size() {
            return count();
        }
    }

    /**
     * An attribute map for one attribute in two fields, with arrays for more (MINA's own filters
     * would add some; Switchboard's code adds none). Guarded by itself.
     */
    static final class SmallAttributeMap implements IoSessionAttributeMap {
        private Object firstKey;
        private Object firstValue;
        /** Keys and values after the first, in pairs; null until a second attribute is set. */
        private Object[] more;

        /** @return 0 for the first attribute, 1 + the pair's index in {@link #more}, or -1 */
        private int indexOf(Object key) {
            if (firstKey != null && firstKey.equals(key)) {
                return 0;
            }
            if (more != null) {
                for (int i = 0; i < more.length; i += 2) {
                    if (more[i] != null && more[i].equals(key)) {
                        return 1 + i;
                    }
                }
            }
            return -1;
        }

        private Object valueAt(int i) {
            return i == 0 ? firstValue : more[i];
        }

        private void setValueAt(int i, Object value) {
            if (i == 0) {
                firstValue = value;
            } else {
                more[i] = value;
            }
        }

        @Override
        public synchronized Object getAttribute(IoSession session, Object key, Object defaultValue) {
            int i = indexOf(key);
            return i < 0 ? defaultValue : valueAt(i);
        }

        @Override
        public synchronized Object setAttribute(IoSession session, Object key, Object value) {
            if (value == null) {
                return removeAttribute(session, key);
            }
            int i = indexOf(key);
            if (i >= 0) {
                Object old = valueAt(i);
                setValueAt(i, value);
                return old;
            }
            if (firstKey == null) {
                firstKey = key;
                firstValue = value;
                return null;
            }
            int free = -1;
            for (int j = 0; more != null && j < more.length; j += 2) {
                if (more[j] == null) {
                    free = j;
                    break;
                }
            }
            if (free < 0) {
                free = more == null ? 0 : more.length;
                more = more == null ? new Object[2] : Arrays.copyOf(more, more.length * 2);
            }
            more[free] = key;
            more[free + 1] = value;
            return null;
        }

        @Override
        public synchronized Object setAttributeIfAbsent(IoSession session, Object key, Object value) {
            int i = indexOf(key);
            return i >= 0 ? valueAt(i) : setAttribute(session, key, value);
        }

        @Override
        public synchronized Object removeAttribute(IoSession session, Object key) {
            int i = indexOf(key);
            if (i < 0) {
                return null;
            }
            Object old = valueAt(i);
            if (i == 0) {
                firstKey = null;
                firstValue = null;
            } else {
                more[i - 1] = null;
                more[i] = null;
            }
            return old;
        }

        @Override
        public synchronized boolean removeAttribute(IoSession session, Object key, Object value) {
            int i = indexOf(key);
            if (i < 0 || !valueAt(i).equals(value)) {
                return false;
            }
            removeAttribute(session, key);
            return true;
        }

        @Override
        public synchronized boolean replaceAttribute(IoSession session, Object key, Object oldValue, Object newValue) {
            int i = indexOf(key);
            if (i < 0 || !valueAt(i).equals(oldValue)) {
                return false;
            }
            setValueAt(i, newValue);
            return true;
        }

        @Override
        public synchronized boolean containsAttribute(IoSession session, Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        public synchronized Set<Object> getAttributeKeys(IoSession session) {
            Set<Object> keys = new HashSet<>();
            if (firstKey != null) {
                keys.add(firstKey);
            }
            if (more != null) {
                for (int i = 0; i < more.length; i += 2) {
                    if (more[i] != null) {
                        keys.add(more[i]);
                    }
                }
            }
            return Set.copyOf(keys);
        }

        @Override
        public void dispose(IoSession session) {
            // nothing held outside this object
        }
    }
}
