package dev.switchboard.transport.internal;

import java.util.Set;
import org.apache.mina.core.session.DefaultIoSessionDataStructureFactory;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionAttributeMap;

/**
 * MINA's per-session structures, trimmed for a server that holds tens of thousands of mostly idle
 * connections: the attribute map MINA gives each session by default is a ConcurrentHashMap, while
 * Switchboard keeps exactly one attribute (its {@link Connection}). Write queues stay MINA's.
 */
final class CompactSessionData extends DefaultIoSessionDataStructureFactory {

    @Override
    public IoSessionAttributeMap getAttributeMap(IoSession session) {
        return new SmallAttributeMap();
    }

    /** A map for a handful of attributes: two parallel arrays, searched linearly, guarded by itself. */
    private static final class SmallAttributeMap implements IoSessionAttributeMap {
        private Object[] keys = new Object[1];
        private Object[] values = new Object[1];
        private int size;

        private int indexOf(Object key) {
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public synchronized Object getAttribute(IoSession session, Object key, Object defaultValue) {
            int i = indexOf(key);
            return i < 0 ? defaultValue : values[i];
        }

        @Override
        public synchronized Object setAttribute(IoSession session, Object key, Object value) {
            if (value == null) {
                return removeAttribute(session, key);
            }
            int i = indexOf(key);
            if (i >= 0) {
                Object old = values[i];
                values[i] = value;
                return old;
            }
            if (size == keys.length) {
                keys = java.util.Arrays.copyOf(keys, size * 2);
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size++] = value;
            return null;
        }

        @Override
        public synchronized Object setAttributeIfAbsent(IoSession session, Object key, Object value) {
            int i = indexOf(key);
            return i >= 0 ? values[i] : setAttribute(session, key, value);
        }

        @Override
        public synchronized Object removeAttribute(IoSession session, Object key) {
            int i = indexOf(key);
            if (i < 0) {
                return null;
            }
            Object old = values[i];
            size--;
            keys[i] = keys[size];
            values[i] = values[size];
            keys[size] = null;
            values[size] = null;
            return old;
        }

        @Override
        public synchronized boolean removeAttribute(IoSession session, Object key, Object value) {
            int i = indexOf(key);
            if (i < 0 || !values[i].equals(value)) {
                return false;
            }
            removeAttribute(session, key);
            return true;
        }

        @Override
        public synchronized boolean replaceAttribute(IoSession session, Object key, Object oldValue, Object newValue) {
            int i = indexOf(key);
            if (i < 0 || !values[i].equals(oldValue)) {
                return false;
            }
            values[i] = newValue;
            return true;
        }

        @Override
        public synchronized boolean containsAttribute(IoSession session, Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        public synchronized Set<Object> getAttributeKeys(IoSession session) {
            return Set.of(java.util.Arrays.copyOf(keys, size));
        }

        @Override
        public void dispose(IoSession session) {
            // nothing held outside the arrays
        }
    }
}
