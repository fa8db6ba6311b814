package dev.switchboard.api.keys;

import dev.switchboard.api.store.StoreException;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the router asks the keys bundle about an end-to-end encrypted message: which devices of an
 * account can decrypt one (have uploaded an identity key), and under which registration id (a
 * reinstalled device has a new one, so a session made before cannot reach it). An encrypted
 * message must carry one ciphertext for each of them. Answers from memory once asked about an account; a key upload, a
 * link, an unlink or an account's deletion forgets the answer. Provided by the {@code keys} bundle.
 */
@ProviderType
public interface KeyDirectory {

    /** {@code user}'s devices with keys: device number to registration id; empty for an account without any (or no such account). */
    Map<Integer, Integer> devicesWithKeys(String user) throws StoreException;
}
