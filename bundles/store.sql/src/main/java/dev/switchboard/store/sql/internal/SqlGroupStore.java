package dev.switchboard.store.sql.internal;

import static dev.switchboard.store.sql.internal.Jdbc.query;
import static dev.switchboard.store.sql.internal.Jdbc.update;

import dev.switchboard.api.store.GroupStore;
import dev.switchboard.api.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Groups and memberships over plain JDBC; the same SQL runs on H2 and MariaDB. Every change that
 * depends on the member count locks the group's row first, so two concurrent adds cannot both pass
 * the limit.
 */
@Component(service = GroupStore.class, immediate = true)
public final class SqlGroupStore implements GroupStore {

    private final Jdbc jdbc;

    @Activate
    public SqlGroupStore(@Reference Database database) {
        this(database.jdbc);
    }

    SqlGroupStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String create(String subject, String creator, List<String> members, long nowMs) throws StoreException {
        return jdbc.transaction("create a group", c -> {
            update(c, "UPDATE group_sequence SET high_water = high_water + 1 WHERE counter_name = 'group'");
            long n = query(c, "SELECT high_water FROM group_sequence WHERE counter_name = 'group'", r -> {
                r.next();
                return r.getLong(1);
            });
            String id = "g" + n;
            LinkedHashSet<String> others = new LinkedHashSet<>(members);
            others.remove(creator);
            update(c, "INSERT INTO chat_groups (group_id, subject, creator, created_at_ms, member_count) VALUES (?, ?, ?, ?, ?)",
                    id, subject, creator, nowMs, others.size() + 1);
            insertMember(c, id, creator, true, nowMs);
            for (String user : others) {
                insertMember(c, id, user, false, nowMs);
            }
            return id;
        });
    }

    private static void insertMember(Connection c, String group, String user, boolean admin, long nowMs) throws SQLException {
        update(c, "INSERT INTO group_members (group_id, user_id, is_admin, joined_at_ms) VALUES (?, ?, ?, ?)",
                group, user, admin, nowMs);
    }

    @Override
    public Optional<Group> group(String groupId) throws StoreException {
        return jdbc.transaction("read a group", c -> {
            Group g = query(c, "SELECT group_id, subject, creator, created_at_ms FROM chat_groups WHERE group_id = ?", r ->
                    r.next() ? new Group(r.getString(1), r.getString(2), r.getString(3), r.getLong(4), List.of()) : null, groupId);
            if (g == null) {
                return Optional.empty();
            }
            List<Member> members = query(c, "SELECT user_id, is_admin FROM group_members WHERE group_id = ?"
                    + " ORDER BY is_admin DESC, joined_at_ms, user_id", r -> {
                        List<Member> out = new ArrayList<>();
                        while (r.next()) {
                            out.add(new Member(r.getString(1), r.getBoolean(2)));
                        }
                        return out;
                    }, groupId);
            return Optional.of(new Group(g.id(), g.subject(), g.creator(), g.createdAtMs(), members));
        });
    }

    /** Locks a group's row. @return its member count, or -1 when there is no such group */
    private static int lockGroup(Connection c, String groupId) throws SQLException {
        return query(c, "SELECT member_count FROM chat_groups WHERE group_id = ? FOR UPDATE",
                r -> r.next() ? r.getInt(1) : -1, groupId);
    }

    private static boolean isMember(Connection c, String groupId, String user) throws SQLException {
        return query(c, "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?", r -> r.next(), groupId, user);
    }

    @Override
    public List<String> addMembers(String groupId, List<String> users, int limit) throws StoreException {
        List<String> added = jdbc.transaction("add group members", c -> {
            int count = lockGroup(c, groupId);
            if (count < 0) {
                return List.<String>of();
            }
            List<String> fresh = new ArrayList<>();
            for (String user : new LinkedHashSet<>(users)) {
                if (!isMember(c, groupId, user)) {
                    fresh.add(user);
                }
            }
            if (count + fresh.size() > limit) {
                return null; // over the limit: nothing changes
            }
            long now = System.currentTimeMillis();
            for (String user : fresh) {
                insertMember(c, groupId, user, false, now);
            }
            update(c, "UPDATE chat_groups SET member_count = ? WHERE group_id = ?", count + fresh.size(), groupId);
            return fresh;
        });
        if (added == null) {
            throw new GroupLimitException("a group holds at most " + limit + " members");
        }
        return added;
    }

    @Override
    public List<String> removeMembers(String groupId, List<String> users) throws StoreException {
        return jdbc.transaction("remove group members", c -> {
            int count = lockGroup(c, groupId);
            if (count < 0) {
                return List.<String>of();
            }
            List<String> removed = new ArrayList<>();
            for (String user : new LinkedHashSet<>(users)) {
                if (update(c, "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", groupId, user) > 0) {
                    removed.add(user);
                }
            }
            update(c, "UPDATE chat_groups SET member_count = ? WHERE group_id = ?", count - removed.size(), groupId);
            return removed;
        });
    }

    @Override
    public List<String> setAdmin(String groupId, List<String> users, boolean admin) throws StoreException {
        return jdbc.transaction("change group admins", c -> {
            List<String> changed = new ArrayList<>();
            for (String user : new LinkedHashSet<>(users)) {
                if (update(c, "UPDATE group_members SET is_admin = ? WHERE group_id = ? AND user_id = ? AND is_admin <> ?",
                        admin, groupId, user, admin) > 0) {
                    changed.add(user);
                }
            }
            return changed;
        });
    }

    @Override
    public boolean setSubject(String groupId, String subject) throws StoreException {
        return jdbc.transaction("change a group subject", c ->
                update(c, "UPDATE chat_groups SET subject = ? WHERE group_id = ?", subject, groupId) > 0);
    }

    @Override
    public boolean delete(String groupId) throws StoreException {
        return jdbc.transaction("delete a group", c -> {
            update(c, "DELETE FROM group_members WHERE group_id = ?", groupId);
            return update(c, "DELETE FROM chat_groups WHERE group_id = ?", groupId) > 0;
        });
    }

    @Override
    public List<String> groupsOf(String user) throws StoreException {
        return jdbc.transaction("list a user's groups", c -> query(c,
                "SELECT group_id FROM group_members WHERE user_id = ? ORDER BY group_id", r -> {
                    List<String> out = new ArrayList<>();
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                    return out;
                }, user));
    }
}
