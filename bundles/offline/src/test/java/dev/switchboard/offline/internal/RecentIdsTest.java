package dev.switchboard.offline.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The recent-id table against a plain insertion-ordered map with the same bounds, over seeded random runs. */
class RecentIdsTest {

    /** What the table must behave as: the map it replaced. */
    static final class Model {
        record Key(Address from, String id) {
        }

        final LinkedHashMap<Key, Long> ids;
        final long windowMs;

        Model(int maxIds, long windowMs) {
            this.windowMs = windowMs;
            this.ids = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
                    return size() > maxIds;
                }
            };
        }

        void remember(Address from, String id, long at) {
            ids.put(new Key(from, id), at);
            var it = ids.values().iterator();
            while (it.hasNext() && it.next() < at - windowMs) {
                it.remove();
            }
        }

        void rememberIfAbsent(Address from, String id, long at) {
            ids.putIfAbsent(new Key(from, id), at);
        }

        boolean seen(Address from, String id) {
            Long at = ids.get(new Key(from, id));
            return at != null && at >= System.currentTimeMillis() - windowMs;
        }
    }

    @Test
    void behavesAsTheBoundedMapItReplaced() {
        for (long seed = 1; seed <= 20; seed++) { // bounded: 20 runs of 5,000 steps
            Random r = new Random(seed);
            int max = 1 + r.nextInt(64);
            long window = 200 + r.nextInt(2000);
            RecentIds table = new RecentIds(max, window);
            Model model = new Model(max, window);
            long at = System.currentTimeMillis() + 86_400_000L; // ahead of the clock: age only counts through remember
            for (int step = 0; step < 5_000; step++) {
                Address from = new Address("1555000" + r.nextInt(4), r.nextInt(3));
                String id = "m" + r.nextInt(120);
                switch (r.nextInt(4)) {
                    case 0, 1 -> {
                        at += r.nextInt(40);
                        table.remember(from, id, at);
                        model.remember(from, id, at);
                    }
                    case 2 -> {
                        long back = at - r.nextInt(3000);
                        table.rememberIfAbsent(from, id, back);
                        model.rememberIfAbsent(from, id, back);
                    }
                    default -> assertEquals(model.seen(from, id), table.seen(from, id), "seed " + seed + " step " + step);
                }
                assertEquals(model.ids.size(), table.size(), "seed " + seed + " step " + step);
            }
            Map<String, Long> expected = new java.util.HashMap<>();
            model.ids.forEach((k, v) -> expected.put(k.from() + "|" + k.id(), v));
            assertEquals(expected, table.snapshot(), "seed " + seed);
        }
    }

    @Test
    void aSnapshotRestoresIntoANewTable() {
        RecentIds a = new RecentIds(10, 60_000);
        long now = System.currentTimeMillis();
        Address alice = new Address("15550001", 0);
        for (int i = 0; i < 15; i++) {
            a.remember(alice, "m" + i, now + i);
        }
        RecentIds b = new RecentIds(10, 60_000);
        b.restore(a.snapshot());
        assertEquals(10, b.size());
        assertFalse(b.seen(alice, "m4"), "beyond the bound: forgotten");
        assertTrue(b.seen(alice, "m5"));
        assertTrue(b.seen(alice, "m14"));
        assertFalse(b.seen(new Address("15550001", 1), "m14"), "ids are per sending device");
    }
}
