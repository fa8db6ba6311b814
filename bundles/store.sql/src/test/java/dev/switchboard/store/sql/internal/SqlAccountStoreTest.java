package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.store.StoredCredential;
import java.nio.file.Path;
import java.sql.Connection;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against a real embedded H2 file database (no mocks). */
class SqlAccountStoreTest {

    @TempDir
    Path dir;
    private JdbcConnectionPool pool;
    private SqlAccountStore store;

    @BeforeEach
    void open() throws Exception {
        pool = JdbcConnectionPool.create(SqlStoreComponent.embeddedUrl(dir.toString()), "sa", "");
        try (Connection c = pool.getConnection()) {
            Migrations.apply(c);
        }
        store = new SqlAccountStore(pool);
    }

    @AfterEach
    void close() {
        pool.dispose();
    }

    private static StoredCredential cred(int seed) {
        return new StoredCredential("PBKDF2WithHmacSHA256", 1000, new byte[] {(byte) seed, 1}, new byte[] {2, (byte) seed});
    }

    @Test
    void createsAnAccountWithItsPrimaryDevice() throws Exception {
        assertTrue(store.createAccount("15551234567", cred(1)));
        assertEquals(cred(1), store.credential("15551234567", 0).orElseThrow());
        assertTrue(store.credential("15551234567", 1).isEmpty());
        assertTrue(store.credential("15550000000", 0).isEmpty());
        assertEquals(1, store.accountCount());
    }

    @Test
    void duplicateAccountChangesNothing() throws Exception {
        assertTrue(store.createAccount("1", cred(1)));
        assertFalse(store.createAccount("1", cred(2)));
        assertEquals(cred(1), store.credential("1", 0).orElseThrow());
    }

    @Test
    void migrationsAreSafeToRerun() throws Exception {
        try (Connection c = pool.getConnection()) {
            assertEquals(0, Migrations.apply(c));
        }
    }

    @Test
    void dataSurvivesReopening() throws Exception {
        store.createAccount("42", cred(3));
        pool.dispose();
        open();
        assertEquals(cred(3), store.credential("42", 0).orElseThrow());
    }
}
