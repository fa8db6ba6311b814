package dev.switchboard.store.sql.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the migrations the first time the database answers, then never again in this revision. */
final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private final DataSource dataSource;
    private final String description;
    private volatile boolean done;

    Migrator(DataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    void migrateOnce() {
        if (done) {
            return;
        }
        synchronized (this) {
            if (done) {
                return;
            }
            try (Connection c = dataSource.getConnection()) {
                int applied = Migrations.apply(c);
                done = true;
                LOG.info("SQL store ready at {} ({} migrations applied now)", description, applied);
            } catch (SQLException e) {
                throw new Jdbc.MigrationFailure(e);
            }
        }
    }
}
