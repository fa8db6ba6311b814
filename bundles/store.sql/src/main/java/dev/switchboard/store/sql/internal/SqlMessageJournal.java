package dev.switchboard.store.sql.internal;

import static dev.switchboard.store.sql.internal.Jdbc.query;
import static dev.switchboard.store.sql.internal.Jdbc.update;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The durable tier of store-and-forward as one SQL table: batched inserts and deletes, one
 * transaction per batch (the offline bundle groups commits). See docs/OFFLINE.md for why SQL.
 */
@Component(service = MessageJournal.class, immediate = true, property = "journal=sql")
public final class SqlMessageJournal implements MessageJournal {

    private static final String COLUMNS = "seq, to_user, to_device, from_user, from_device, message_id, kind,"
            + " accepted_at_ms, body, group_id";

    private final Jdbc jdbc;
    /** H2 writes commits to its file in the background (up to 500 ms later); we need them there now. */
    private final boolean checkpointAfterCommit;

    @Activate
    public SqlMessageJournal(@Reference Database database) {
        this(database.jdbc, database.embedded);
    }

    SqlMessageJournal(Jdbc jdbc, boolean checkpointAfterCommit) {
        this.jdbc = jdbc;
        this.checkpointAfterCommit = checkpointAfterCommit;
    }

    @Override
    public void append(List<QueuedMessage> batch) throws StoreException {
        if (batch.isEmpty()) {
            return;
        }
        jdbc.transaction("store messages", c -> {
            long highest = 0;
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO offline_messages (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (QueuedMessage m : batch) {
                    p.setLong(1, m.seq());
                    p.setString(2, m.to().user());
                    p.setInt(3, m.to().device());
                    p.setString(4, m.from().user());
                    p.setInt(5, m.from().device());
                    p.setString(6, m.id());
                    p.setString(7, m.kind());
                    p.setLong(8, m.acceptedAtMs());
                    p.setBytes(9, m.body());
                    p.setString(10, m.group());
                    p.addBatch();
                    highest = Math.max(highest, m.seq());
                }
                p.executeBatch();
            }
            update(c, "UPDATE offline_sequence SET high_water = ? WHERE counter_name = 'seq' AND high_water < ?", highest, highest);
            return null;
        });
        if (checkpointAfterCommit) {
            // Acknowledged messages must survive a kill -9: write the commit to the file before returning.
            jdbc.transaction("write messages to disk", c -> update(c, "CHECKPOINT"));
        }
    }

    @Override
    public void remove(List<QueuedMessage> delivered) throws StoreException {
        if (delivered.isEmpty()) {
            return;
        }
        jdbc.transaction("delete delivered messages", c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM offline_messages WHERE seq = ?")) {
                for (QueuedMessage m : delivered) {
                    p.setLong(1, m.seq());
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<QueuedMessage> load(Address device, long afterSeq, int max) throws StoreException {
        return jdbc.transaction("load messages", c -> query(c, "SELECT " + COLUMNS + " FROM offline_messages"
                + " WHERE to_user = ? AND to_device = ? AND seq > ? ORDER BY seq LIMIT ?", SqlMessageJournal::rows,
                device.user(), device.device(), afterSeq, max));
    }

    @Override
    public List<QueuedMessage> index() throws StoreException {
        return jdbc.transaction("index messages", c -> query(c, "SELECT " + COLUMNS + " FROM offline_messages ORDER BY seq",
                SqlMessageJournal::rows));
    }

    @Override
    public long maxSeq() throws StoreException {
        return jdbc.transaction("read the sequence", c -> query(c,
                "SELECT high_water FROM offline_sequence WHERE counter_name = 'seq'", r -> r.next() ? r.getLong(1) : 0L));
    }

    @Override
    public long reserveSequences(long above, int count) throws StoreException {
        if (count < 1) {
            throw new IllegalArgumentException("reserve at least one sequence number: " + count);
        }
        long first = jdbc.transaction("reserve sequence numbers", c -> {
            // the row lock serialises reservations of every server sharing this database
            long highWater = query(c, "SELECT high_water FROM offline_sequence WHERE counter_name = 'seq' FOR UPDATE",
                    r -> r.next() ? r.getLong(1) : 0L);
            long start = Math.max(highWater, above) + 1;
            update(c, "UPDATE offline_sequence SET high_water = ? WHERE counter_name = 'seq'", start + count - 1);
            return start;
        });
        if (checkpointAfterCommit) {
            // a reservation lost in a crash would let the numbers after it be handed out twice
            jdbc.transaction("write the sequence reservation to disk", c -> update(c, "CHECKPOINT"));
        }
        return first;
    }

    @Override
    public int expire(long acceptedBeforeMs) throws StoreException {
        return jdbc.transaction("expire messages", c -> update(c,
                "DELETE FROM offline_messages WHERE accepted_at_ms < ?", acceptedBeforeMs));
    }

    @Override
    public int removeUser(String user) throws StoreException {
        return jdbc.transaction("delete a user's messages", c -> update(c,
                "DELETE FROM offline_messages WHERE to_user = ?", user));
    }

    private static List<QueuedMessage> rows(ResultSet r) throws SQLException {
        List<QueuedMessage> out = new ArrayList<>();
        while (r.next()) {
            out.add(new QueuedMessage(r.getLong(1), new Address(r.getString(2), r.getInt(3)),
                    new Address(r.getString(4), r.getInt(5)), r.getString(6), r.getString(7), r.getLong(8), r.getBytes(9),
                    r.getString(10)));
        }
        return out;
    }
}
