package dev.switchboard.store.sql.internal;

import static dev.switchboard.store.sql.internal.Jdbc.query;
import static dev.switchboard.store.sql.internal.Jdbc.update;

import dev.switchboard.api.store.PresenceStore;
import dev.switchboard.api.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Presence settings and contacts over plain JDBC; the same SQL runs on H2 and MariaDB. */
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
}
