package dev.switchboard.api.store;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Durable accounts and device credentials in SQL. Knows nothing of hashing: it stores what it is given. */
@ProviderType
public interface AccountStore {

    /**
     * Creates an account and its primary device's credential in one transaction.
     *
     * @return {@code false} when the account already exists (nothing changed)
     * @throws StoreException when the database cannot be reached
     */
    boolean createAccount(String user, StoredCredential primaryDevice) throws StoreException;

    /** The stored credential of a device, if the account and device exist. */
    Optional<StoredCredential> credential(String user, int device) throws StoreException;

    /** The number of accounts. */
    long accountCount() throws StoreException;
}
