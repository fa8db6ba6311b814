package dev.switchboard.transport.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.mina.core.session.AbstractIoSession;
import org.apache.mina.core.session.DummySession;
import org.apache.mina.core.session.IoSessionAttributeMap;
import org.apache.mina.core.write.DefaultWriteRequest;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.core.write.WriteRequestQueue;
import org.junit.jupiter.api.Test;

/**
 * The trimmed per-session structures behave as the collections they replace: seeded random runs of
 * operations, each checked against an ArrayDeque or a HashMap doing the same.
 */
class CompactSessionDataTest {

    private static final long SEED = 20261201L;
    private static final int OPERATIONS = 20_000;

    @Test
    void shortQueueKeepsOrderLikeADeque() {
        Random random = new Random(SEED);
        ShortQueue<Integer> queue = new ShortQueue<>();
        ArrayDeque<Integer> model = new ArrayDeque<>();
        for (int i = 0; i < OPERATIONS; i++) {
            int op = random.nextInt(10);
            if (op < 4) {
                queue.add(i);
                model.add(i);
            } else if (op == 4) {
                queue.addFirst(i);
                model.addFirst(i);
            } else if (op < 9) {
                assertEquals(model.poll(), queue.poll(), "poll at step " + i);
            } else if (random.nextInt(20) == 0) {
                queue.removeAll();
                model.clear();
            }
            assertEquals(model.peek(), queue.peek(), "peek at step " + i);
            assertEquals(model.size(), queue.count(), "count at step " + i);
            assertEquals(model.isEmpty(), queue.isEmpty(), "isEmpty at step " + i);
        }
    }

    @Test
    void writeQueueHandsBackWritesInOrder() {
        WriteRequestQueue queue = new CompactSessionData().getWriteRequestQueue(null);
        assertTrue(queue.isEmpty(null));
        assertNull(queue.poll(null));
        WriteRequest[] writes = new WriteRequest[5];
        for (int i = 0; i < writes.length; i++) {
            writes[i] = new DefaultWriteRequest("frame " + i);
            queue.offer(null, writes[i]);
        }
        assertEquals(5, queue.size());
        for (WriteRequest w : writes) {
            assertSame(w, queue.poll(null));
        }
        assertTrue(queue.isEmpty(null));
        queue.offer(null, writes[0]);
        queue.clear(null);
        assertEquals(0, queue.size());
        assertNull(queue.poll(null));
    }

    @Test
    void theCloseMarkerClosesTheSessionAfterWhatWasWrittenBeforeIt() {
        DummySession session = new DummySession();
        WriteRequestQueue queue = new CompactSessionData().getWriteRequestQueue(session);
        WriteRequest last = new DefaultWriteRequest("error stanza");
        queue.offer(session, last);
        queue.offer(session, AbstractIoSession.CLOSE_REQUEST);
        assertSame(last, queue.poll(session));
        assertFalse(session.isClosing(), "closed before the error stanza went out");
        assertNull(queue.poll(session), "the close marker is never handed to the processor as a message");
        assertTrue(session.isClosing(), "the close marker must close the session");
    }

    @Test
    void attributeMapAnswersLikeAHashMap() {
        Random random = new Random(SEED);
        IoSessionAttributeMap map = new CompactSessionData().getAttributeMap(null);
        Map<Object, Object> model = new HashMap<>();
        String[] keys = {"connection", "codec", "ssl", "idle", "x"};
        for (int i = 0; i < OPERATIONS; i++) {
            String key = keys[random.nextInt(keys.length)];
            Integer value = random.nextInt(3);
            switch (random.nextInt(6)) {
                case 0 -> assertEquals(model.put(key, value), map.setAttribute(null, key, value), "set at step " + i);
                case 1 -> assertEquals(model.putIfAbsent(key, value), map.setAttributeIfAbsent(null, key, value),
                        "setIfAbsent at step " + i);
                case 2 -> assertEquals(model.remove(key), map.removeAttribute(null, key), "remove at step " + i);
                case 3 -> assertEquals(model.remove(key, value), map.removeAttribute(null, key, value),
                        "remove if at step " + i);
                case 4 -> assertEquals(model.replace(key, value, value + 1), map.replaceAttribute(null, key, value, value + 1),
                        "replace at step " + i);
                default -> assertEquals(model.getOrDefault(key, "none"), map.getAttribute(null, key, "none"),
                        "get at step " + i);
            }
            assertEquals(model.containsKey(key), map.containsAttribute(null, key), "contains at step " + i);
            assertEquals(model.keySet(), map.getAttributeKeys(null), "keys at step " + i);
        }
    }
}
