package dev.switchboard.api.store;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable groups and memberships in SQL. Stores what it is told; the rules (who may do what, the
 * member limit) are the groups bundle's. Every method throws {@link StoreException} when the
 * database cannot be reached or fails.
 */
@ProviderType
public interface GroupStore {

    /** A group and its members, admins first then by when they joined. */
    record Group(String id, String subject, String creator, long createdAtMs, List<Member> members) {
        public Group {
            members = List.copyOf(members);
        }
    }

    /** One member of a group. */
    record Member(String user, boolean admin) {
    }

    /**
     * Creates a group with its creator as admin and the other members, in one transaction.
     *
     * @return the new group's id ({@code g} and digits)
     */
    String create(String subject, String creator, List<String> members, long nowMs) throws StoreException;

    /** The group with its members, if it exists. */
    Optional<Group> group(String groupId) throws StoreException;

    /**
     * Adds members, refusing the whole change if the group would then have more than {@code limit}.
     *
     * @return the users actually added (those already in are skipped); empty when the group is gone
     * @throws GroupLimitException when the limit would be passed
     */
    List<String> addMembers(String groupId, List<String> users, int limit) throws StoreException;

    /** Removes members. @return the users actually removed */
    List<String> removeMembers(String groupId, List<String> users) throws StoreException;

    /** Makes members admins or not. @return the members whose role changed */
    List<String> setAdmin(String groupId, List<String> users, boolean admin) throws StoreException;

    /** Changes the subject. @return false if there is no such group */
    boolean setSubject(String groupId, String subject) throws StoreException;

    /** Deletes a group and its memberships. @return false if there was none */
    boolean delete(String groupId) throws StoreException;

    /** The ids of the groups a user is in. */
    List<String> groupsOf(String user) throws StoreException;

    /** Adding would pass the member limit; nothing was changed. */
    final class GroupLimitException extends StoreException {
        private static final long serialVersionUID = 1L;

        public GroupLimitException(String message) {
            super(message, null);
        }
    }
}
