package dev.switchboard.store.sql.internal;

import static dev.switchboard.store.sql.internal.Jdbc.query;
import static dev.switchboard.store.sql.internal.Jdbc.update;

import dev.switchboard.api.store.MediaStore;
import dev.switchboard.api.store.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The media blob index over plain JDBC; the same SQL runs on H2 and MariaDB. */
@Component(service = MediaStore.class, immediate = true)
public final class SqlMediaStore implements MediaStore {

    private static final String COLUMNS = "sha256, size_bytes, owner_id, created_at_ms, last_ref_at_ms";

    private final Jdbc jdbc;

    @Activate
    public SqlMediaStore(@Reference Database database) {
        this(database.jdbc);
    }

    SqlMediaStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean insert(String sha256, long size, String owner, long nowMs) throws StoreException {
        return jdbc.transaction("record a media blob", c -> {
            if (query(c, "SELECT 1 FROM media_blobs WHERE sha256 = ?", r -> r.next(), sha256)) {
                return false;
            }
            try {
                update(c, "INSERT INTO media_blobs (" + COLUMNS + ") VALUES (?, ?, ?, ?, 0)", sha256, size, owner, nowMs);
                return true;
            } catch (SQLIntegrityConstraintViolationException insertedConcurrently) {
                return false;
            }
        });
    }

    @Override
    public Optional<Blob> blob(String sha256) throws StoreException {
        return jdbc.transaction("read a media blob", c -> query(c,
                "SELECT " + COLUMNS + " FROM media_blobs WHERE sha256 = ?", r -> r.next() ? Optional.of(row(r)) : Optional.empty(),
                sha256));
    }

    @Override
    public long usage(String owner) throws StoreException {
        return jdbc.transaction("sum an account's media", c -> query(c,
                "SELECT COALESCE(SUM(size_bytes), 0) FROM media_blobs WHERE owner_id = ?", r -> r.next() ? r.getLong(1) : 0L,
                owner));
    }

    @Override
    public void touch(String sha256, long atMs) throws StoreException {
        jdbc.transaction("note a media reference", c -> update(c,
                "UPDATE media_blobs SET last_ref_at_ms = ? WHERE sha256 = ? AND last_ref_at_ms < ?", atMs, sha256, atMs));
    }

    @Override
    public List<Blob> collectable(long unreferencedBeforeMs, long retainedBeforeMs, int max) throws StoreException {
        return jdbc.transaction("find media to collect", c -> query(c, "SELECT " + COLUMNS + " FROM media_blobs"
                        + " WHERE (last_ref_at_ms = 0 AND created_at_ms < ?)"
                        + " OR (created_at_ms < ? AND last_ref_at_ms < ?) ORDER BY created_at_ms LIMIT ?", r -> {
                    List<Blob> out = new ArrayList<>();
                    while (r.next()) {
                        out.add(row(r));
                    }
                    return out;
                }, unreferencedBeforeMs, retainedBeforeMs, retainedBeforeMs, max));
    }

    @Override
    public boolean delete(String sha256) throws StoreException {
        return jdbc.transaction("forget a media blob", c -> update(c, "DELETE FROM media_blobs WHERE sha256 = ?", sha256) > 0);
    }

    private static Blob row(ResultSet r) throws SQLException {
        return new Blob(r.getString(1), r.getLong(2), r.getString(3), r.getLong(4), r.getLong(5));
    }
}
