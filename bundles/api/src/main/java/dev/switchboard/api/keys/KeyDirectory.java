package dev.switchboard.api.keys;

import dev.switchboard.api.store.StoreException;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the router asks the keys bundle about an end-to-end encrypted message: which devices of an
 * account can decrypt one (have uploaded an identity key). An encrypted message must carry one
 * ciphertext for each of them. Answers from memory once asked about an account; a key upload, a
 * link, an unlink or an account's deletion forgets the answer. Provided by the {@code keys} bundle.
 */
@ProviderType
public interface KeyDirectory {

    /** Device numbers of {@code user}'s devices with keys; empty for an account without any (or no such account). */
    Set<Integer> devicesWithKeys(String user) throws StoreException;
}
