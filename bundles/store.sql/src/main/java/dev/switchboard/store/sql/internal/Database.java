package dev.switchboard.store.sql.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured database: one pool and one schema for the account store and the message journal.
 * A bad configuration throws from activate, so no half-working store is offered; an unreachable
 * database does not: operations fail as unavailable until it answers, and the schema is brought
 * up to date on first contact. Environment variables SB_DB_URL, SB_DB_USER, SB_DB_PASSWORD
 * override the configuration.
 */
@Component(service = Database.class, immediate = true, configurationPid = "dev.switchboard.store.sql")
@Designate(ocd = StoreConfiguration.class)
public final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    final boolean embedded;
    final Jdbc jdbc;

    @Activate
    public Database(StoreConfiguration config, BundleContext context) throws Exception {
        String configured = env("SB_DB_URL", config.url());
        String user = env("SB_DB_USER", config.user());
        String password = env("SB_DB_PASSWORD", config.password());
        Path data = null;
        String url = configured;
        if (configured.isBlank()) {
            // the default, embedded database: its own generated password, its files owner-only
            data = DataSources.dataDirectory(context.getProperty("switchboard.home"));
            url = DataSources.embeddedUrl(data);
            user = EmbeddedCredential.USER;
            password = EmbeddedCredential.password(data, url);
        }
        embedded = url.startsWith("jdbc:h2:");
        pool = DataSources.pooled(url, user, password, config.maxConnections(), config.connectionTimeoutMs());
        jdbc = new Jdbc(pool, new Migrator(pool, DataSources.redact(url)));
        LOG.info("Database pool {} opened", Integer.toHexString(System.identityHashCode(pool)));
        try {
            jdbc.migrate();
        } catch (Jdbc.MigrationFailure e) {
            LOG.warn("Database {} not reachable yet ({}); will retry on first use", DataSources.redact(url), e.getMessage());
        }
        if (data != null) {
            EmbeddedCredential.restrictFiles(data);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * Closes the database. The embedded one is shut down explicitly, so its file is closed before a
     * new revision of this bundle opens it: closing the pool alone leaves H2 closing the file in the
     * background, and two engines on one file corrupt it.
     */
    @Deactivate
    void deactivate() {
        LOG.info("Database pool {} closing", Integer.toHexString(System.identityHashCode(pool)));
        if (embedded) {
            boolean shutDown = false;
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
                shutDown = true;
            } catch (SQLException e) {
                // after a SHUTDOWN, handing the connection back to the pool fails with "already
                // closed": that is the expected end, not a failure
                if (!shutDown) {
                    LOG.warn("Embedded database did not shut down cleanly: {}", e.getMessage());
                }
            }
        }
        pool.close();
    }
}
