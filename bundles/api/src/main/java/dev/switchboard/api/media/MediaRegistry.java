package dev.switchboard.api.media;

import dev.switchboard.api.store.StoreException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the router asks the media bundle about a media message: does the blob it refers to exist,
 * and note that a message refers to it now (a blob is kept while messages keep referring to it,
 * up to the retention). Provided by the {@code media} bundle.
 */
@ProviderType
public interface MediaRegistry {

    /** Whether a blob with this SHA-256 (64 lowercase hex digits) is stored. */
    boolean exists(String sha256) throws StoreException;

    /** A message referring to the blob was accepted at {@code atMs}. */
    void referenced(String sha256, long atMs) throws StoreException;

    /** Whether the text is a SHA-256 in lowercase hex. */
    static boolean isHash(String text) {
        if (text == null || text.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
