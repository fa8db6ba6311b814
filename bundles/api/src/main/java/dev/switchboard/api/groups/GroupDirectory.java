package dev.switchboard.api.groups;

import dev.switchboard.api.store.StoreException;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Who is in a group, for routing a message addressed to it. Provided by the {@code groups} bundle,
 * which keeps the answer in memory; the SQL store is the record.
 */
@ProviderType
public interface GroupDirectory {

    /** The longest group id: {@code g} and up to 19 digits. */
    int MAX_ID_LENGTH = 20;

    /** The members' user ids, or empty when there is no such group. */
    Optional<List<String>> members(String groupId) throws StoreException;

    /** Whether the text is a well-formed group id: {@code g} followed by 1 to 19 digits. */
    static boolean isGroupId(String text) {
        if (text == null || text.length() < 2 || text.length() > MAX_ID_LENGTH || text.charAt(0) != 'g') {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
