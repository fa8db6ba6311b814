package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.store.GroupStore;
import dev.switchboard.api.store.GroupStore.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The group store's behaviour, run against each real database by a subclass. */
abstract class GroupStoreContract {

    protected SqlGroupStore store;

    protected abstract DataSource emptyDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        DataSource ds = emptyDatabase();
        store = new SqlGroupStore(new Jdbc(ds, new Migrator(ds, getClass().getSimpleName())));
    }

    @Test
    void aGroupIsCreatedWithItsCreatorAsAdmin() throws Exception {
        String id = store.create("Family", "1001", List.of("2002", "1001", "3003"), 42);
        assertTrue(id.matches("g\\d+"), id);
        GroupStore.Group g = store.group(id).orElseThrow();
        assertEquals("Family", g.subject());
        assertEquals("1001", g.creator());
        assertEquals(42, g.createdAtMs());
        assertEquals(List.of(new Member("1001", true), new Member("2002", false), new Member("3003", false)), g.members());
        assertNotEquals(id, store.create("Other", "1001", List.of(), 43), "ids are never reused");
        assertEquals(List.of(id), store.groupsOf("2002"));
        assertTrue(store.group("g1").isEmpty());
    }

    @Test
    void membersComeAndGoAndAdminsChange() throws Exception {
        String id = store.create("Team", "1001", List.of("2002"), 1);
        assertEquals(List.of("3003"), store.addMembers(id, List.of("2002", "3003"), 10), "members already in are skipped");
        assertEquals(List.of("3003"), store.setAdmin(id, List.of("3003", "1001"), true), "only a change counts");
        assertEquals(List.of("2002"), store.removeMembers(id, List.of("2002", "9999")));
        assertEquals(List.of(new Member("1001", true), new Member("3003", true)), store.group(id).orElseThrow().members());
        assertTrue(store.setSubject(id, "Renamed"));
        assertEquals("Renamed", store.group(id).orElseThrow().subject());
        assertEquals(List.of(), store.groupsOf("2002"));
        assertTrue(store.delete(id));
        assertFalse(store.delete(id));
        assertTrue(store.group(id).isEmpty());
        assertEquals(List.of(), store.groupsOf("1001"));
        assertEquals(List.of(), store.addMembers(id, List.of("4004"), 10), "a deleted group takes no members");
    }

    @Test
    void theMemberLimitHoldsEvenUnderConcurrentAdds() throws Exception {
        String id = store.create("Big", "1", List.of(), 1);
        GroupStore.GroupLimitException e = assertThrows(GroupStore.GroupLimitException.class,
                () -> store.addMembers(id, List.of("2", "3", "4"), 3));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
        assertEquals(1, store.group(id).orElseThrow().members().size(), "a refused add changes nothing");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> adds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String user = String.valueOf(100 + i);
                adds.add(pool.submit(() -> {
                    try {
                        return !store.addMembers(id, List.of(user), 10).isEmpty();
                    } catch (GroupStore.GroupLimitException full) {
                        return false;
                    }
                }));
            }
            int accepted = 0;
            for (Future<Boolean> f : adds) {
                accepted += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(9, accepted);
            assertEquals(10, store.group(id).orElseThrow().members().size());
        } finally {
            pool.shutdownNow();
        }
    }
}
