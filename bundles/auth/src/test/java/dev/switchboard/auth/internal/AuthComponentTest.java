package dev.switchboard.auth.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.LoginResult;
import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.lang.annotation.Annotation;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Hashing and login rules; the account store here is an in-memory map (the SQL store has its own tests). */
class AuthComponentTest {

    private final Map<String, StoredCredential> rows = new HashMap<>();
    private boolean storeDown;

    private final AccountStore store = new AccountStore() {
        @Override
        public boolean createAccount(String user, StoredCredential primary) throws StoreException {
            check();
            return rows.putIfAbsent(user + "/0", primary) == null;
        }

        @Override
        public Optional<StoredCredential> credential(String user, int device) throws StoreException {
            check();
            return Optional.ofNullable(rows.get(user + "/" + device));
        }

        @Override
        public long accountCount() {
            return rows.size();
        }

        private void check() throws StoreException {
            if (storeDown) {
                throw new StoreException("connection refused", null);
            }
        }
    };

    private final AuthComponent auth = new AuthComponent(store, new AuthConfiguration() {
        @Override
        public Class<? extends Annotation> annotationType() {
            return AuthConfiguration.class;
        }

        @Override
        public int iterations() {
            return 1000;
        }

        @Override
        public int minPasswordLength() {
            return 6;
        }
    });

    @Test
    void registeredUserLogsInWithTheRightPasswordOnly() throws Exception {
        auth.register("15551234567", "correct horse");
        assertTrue(auth.login("15551234567", "0", "correct horse", "test").succeeded());
        LoginResult wrong = auth.login("15551234567", "0", "battery staple", "test");
        assertEquals(LoginResult.Failure.NOT_AUTHORIZED, wrong.failure());
        assertEquals(LoginResult.Failure.NOT_AUTHORIZED, auth.login("15550000000", "0", "x", "t").failure());
        assertEquals(LoginResult.Failure.NOT_AUTHORIZED, auth.login("15551234567", "1", "correct horse", "t").failure());
    }

    @Test
    void passwordIsStoredSaltedNeverPlain() throws Exception {
        auth.register("1", "secret-password");
        auth.register("2", "secret-password");
        StoredCredential a = rows.get("1/0");
        StoredCredential b = rows.get("2/0");
        assertFalse(new String(a.hash(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("secret"));
        assertFalse(java.util.Arrays.equals(a.salt(), b.salt()));
        assertFalse(java.util.Arrays.equals(a.hash(), b.hash()));
    }

    @Test
    void registrationErrorsAreSpecific() throws Exception {
        assertEquals(AccountException.Reason.MALFORMED_ID,
                assertThrows(AccountException.class, () -> auth.register("12ab", "password")).reason());
        assertEquals(AccountException.Reason.WEAK_PASSWORD,
                assertThrows(AccountException.class, () -> auth.register("12", "short")).reason());
        auth.register("12", "password");
        assertEquals(AccountException.Reason.DUPLICATE,
                assertThrows(AccountException.class, () -> auth.register("12", "password")).reason());
    }

    @Test
    void malformedLoginsAndStoreOutagesAreSpecific() throws Exception {
        assertEquals(LoginResult.Failure.MALFORMED, auth.login("abc", "0", "pw", "t").failure());
        assertEquals(LoginResult.Failure.MALFORMED, auth.login("1", "x", "pw", "t").failure());
        assertEquals(LoginResult.Failure.MALFORMED, auth.login("1", "999", "pw", "t").failure());
        auth.register("7", "password");
        storeDown = true;
        assertEquals(LoginResult.Failure.UNAVAILABLE, auth.login("7", "0", "password", "t").failure());
    }
}
