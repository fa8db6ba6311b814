package dev.switchboard.store.sql.internal;

import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the configured database, brings its schema up to date, and offers the account store.
 * A bad configuration or a failed migration throws from activate, so no half-working store is offered.
 */
@Component(service = AccountStore.class, configurationPid = "dev.switchboard.store.sql")
@Designate(ocd = StoreConfiguration.class)
public final class SqlStoreComponent implements AccountStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqlStoreComponent.class);

    private final JdbcConnectionPool pool;
    private final SqlAccountStore accounts;

    @Activate
    public SqlStoreComponent(StoreConfiguration config, BundleContext context) throws Exception {
        String url = config.url().isBlank() ? embeddedUrl(context.getProperty("switchboard.home")) : config.url();
        if (!url.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("only jdbc:h2: URLs are supported by this build: " + url);
        }
        pool = JdbcConnectionPool.create(url, config.user(), config.password());
        pool.setMaxConnections(config.maxConnections());
        try (Connection c = pool.getConnection()) {
            int applied = Migrations.apply(c);
            LOG.info("SQL store ready at {} ({} migrations applied now)", redact(url), applied);
        } catch (SQLException e) {
            pool.dispose();
            throw e;
        }
        accounts = new SqlAccountStore(pool);
    }

    static String embeddedUrl(String home) throws Exception {
        Path data = Path.of(home == null ? "." : home, "data").toAbsolutePath().normalize();
        Files.createDirectories(data);
        return "jdbc:h2:file:" + data.resolve("switchboard") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)password=[^;&]*", "password=***");
    }

    @Deactivate
    void deactivate() {
        pool.dispose();
    }

    @Override
    public boolean createAccount(String user, StoredCredential primaryDevice) throws StoreException {
        return accounts.createAccount(user, primaryDevice);
    }

    @Override
    public Optional<StoredCredential> credential(String user, int device) throws StoreException {
        return accounts.credential(user, device);
    }

    @Override
    public long accountCount() throws StoreException {
        return accounts.accountCount();
    }
}
