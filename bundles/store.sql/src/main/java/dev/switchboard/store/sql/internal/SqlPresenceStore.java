package dev.switchboard.store.sql.internal;

import static dev.switchboard.store.sql.internal.Jdbc.query;
import static dev.switchboard.store.sql.internal.Jdbc.update;

import dev.switchboard.api.store.PresenceStore;
import dev.switchboard.api.store.RosterItem;
import dev.switchboard.api.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Presence settings, contacts (the roster) and unanswered subscription requests over plain JDBC;
 * the same SQL runs on H2 and MariaDB. A roster item's groups are one column, separated by newlines
 * (the presence bundle refuses group names holding one).
 */
@Component(service = PresenceStore.class, immediate = true)
public final class SqlPresenceStore implements PresenceStore {

    private final Jdbc jdbc;

    @Activate
    public SqlPresenceStore(@Reference Database database) {
        this(database.jdbc);
    }

    SqlPresenceStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Visibility visibility(String user) throws StoreException {
        return jdbc.transaction("read presence visibility", c -> query(c,
                "SELECT visibility FROM presence_settings WHERE user_id = ?",
                r -> r.next() ? Visibility.valueOf(r.getString(1)) : Visibility.EVERYONE, user));
    }

    @Override
    public void setVisibility(String user, Visibility visibility) throws StoreException {
        jdbc.transaction("set presence visibility", c -> {
            ensureRow(c, user);
            return update(c, "UPDATE presence_settings SET visibility = ? WHERE user_id = ?", visibility.name(), user);
        });
    }

    @Override
    public long lastSeen(String user) throws StoreException {
        return jdbc.transaction("read last seen", c -> query(c,
                "SELECT last_seen_ms FROM presence_settings WHERE user_id = ?", r -> r.next() ? r.getLong(1) : 0L, user));
    }

    @Override
    public void setLastSeen(String user, long atMs) throws StoreException {
        jdbc.transaction("set last seen", c -> {
            ensureRow(c, user);
            return update(c, "UPDATE presence_settings SET last_seen_ms = ? WHERE user_id = ?", atMs, user);
        });
    }

    /** Inserts the default row unless there is one; a concurrent insert of the same row is fine. */
    private static void ensureRow(Connection c, String user) throws SQLException {
        boolean exists = query(c, "SELECT 1 FROM presence_settings WHERE user_id = ?", r -> r.next(), user);
        if (!exists) {
            try {
                update(c, "INSERT INTO presence_settings (user_id, visibility, last_seen_ms) VALUES (?, ?, 0)", user,
                        Visibility.EVERYONE.name());
            } catch (java.sql.SQLIntegrityConstraintViolationException insertedConcurrently) {
                // the other transaction's row serves
            }
        }
    }

    @Override
    public Set<String> contacts(String owner) throws StoreException {
        return jdbc.transaction("read contacts", c -> query(c,
                "SELECT contact_id FROM contacts WHERE owner_id = ? ORDER BY contact_id", r -> {
                    Set<String> out = new LinkedHashSet<>();
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                    return out;
                }, owner));
    }

    @Override
    public void addContacts(String owner, Collection<String> contacts) throws StoreException {
        jdbc.transaction("add contacts", c -> {
            for (String contact : new LinkedHashSet<>(contacts)) {
                boolean there = query(c, "SELECT 1 FROM contacts WHERE owner_id = ? AND contact_id = ?", r -> r.next(),
                        owner, contact);
                if (!there) {
                    update(c, "INSERT INTO contacts (owner_id, contact_id) VALUES (?, ?)", owner, contact);
                }
            }
            return null;
        });
    }

    @Override
    public void removeContacts(String owner, Collection<String> contacts) throws StoreException {
        jdbc.transaction("remove contacts", c -> {
            for (String contact : contacts) {
                update(c, "DELETE FROM contacts WHERE owner_id = ? AND contact_id = ?", owner, contact);
            }
            return null;
        });
    }

    private static final String ITEM_COLUMNS = "contact_id, display_name, group_names, subscription_flags";
    private static final int TO = 1;
    private static final int FROM = 2;
    private static final int ASKED = 4;

    @Override
    public List<RosterItem> roster(String owner) throws StoreException {
        return jdbc.transaction("read roster", c -> query(c,
                "SELECT " + ITEM_COLUMNS + " FROM contacts WHERE owner_id = ? ORDER BY contact_id", r -> {
                    List<RosterItem> out = new ArrayList<>();
                    while (r.next()) {
                        out.add(item(r));
                    }
                    return out;
                }, owner));
    }

    @Override
    public Optional<RosterItem> rosterItem(String owner, String contact) throws StoreException {
        return jdbc.transaction("read roster item", c -> query(c,
                "SELECT " + ITEM_COLUMNS + " FROM contacts WHERE owner_id = ? AND contact_id = ?",
                r -> r.next() ? Optional.of(item(r)) : Optional.<RosterItem>empty(), owner, contact));
    }

    @Override
    public void putRosterItem(String owner, RosterItem item) throws StoreException {
        int flags = (item.to() ? TO : 0) | (item.from() ? FROM : 0) | (item.asked() ? ASKED : 0);
        String groups = String.join("\n", item.groups());
        jdbc.transaction("write roster item", c -> {
            int changed = update(c, "UPDATE contacts SET display_name = ?, group_names = ?, subscription_flags = ? "
                    + "WHERE owner_id = ? AND contact_id = ?", item.name(), groups, flags, owner, item.contact());
            if (changed == 0) {
                update(c, "INSERT INTO contacts (owner_id, " + ITEM_COLUMNS + ") VALUES (?, ?, ?, ?, ?)", owner,
                        item.contact(), item.name(), groups, flags);
            }
            return null;
        });
    }

    private static RosterItem item(ResultSet r) throws SQLException {
        String groups = r.getString(3);
        int flags = r.getInt(4);
        return new RosterItem(r.getString(1), r.getString(2),
                groups == null || groups.isEmpty() ? List.of() : Arrays.asList(groups.split("\n")),
                (flags & TO) != 0, (flags & FROM) != 0, (flags & ASKED) != 0);
    }

    @Override
    public List<String> subscriptionRequests(String owner) throws StoreException {
        return jdbc.transaction("read subscription requests", c -> query(c,
                "SELECT requester_id FROM subscription_requests WHERE owner_id = ? ORDER BY requested_at_ms, requester_id",
                r -> {
                    List<String> out = new ArrayList<>();
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                    return out;
                }, owner));
    }

    @Override
    public void addSubscriptionRequest(String owner, String requester, long atMs) throws StoreException {
        jdbc.transaction("add subscription request", c -> {
            boolean there = query(c, "SELECT 1 FROM subscription_requests WHERE owner_id = ? AND requester_id = ?",
                    r -> r.next(), owner, requester);
            if (!there) {
                try {
                    update(c, "INSERT INTO subscription_requests (owner_id, requester_id, requested_at_ms) VALUES (?, ?, ?)",
                            owner, requester, atMs);
                } catch (java.sql.SQLIntegrityConstraintViolationException insertedConcurrently) {
                    // the other transaction's row serves
                }
            }
            return null;
        });
    }

    @Override
    public boolean removeSubscriptionRequest(String owner, String requester) throws StoreException {
        return jdbc.transaction("remove subscription request", c -> update(c,
                "DELETE FROM subscription_requests WHERE owner_id = ? AND requester_id = ?", owner, requester) > 0);
    }
}
