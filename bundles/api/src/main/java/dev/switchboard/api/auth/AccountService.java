package dev.switchboard.api.auth;

import org.osgi.annotation.versioning.ProviderType;

/** Account administration: what the shell and (later) clients use to create and manage accounts. */
@ProviderType
public interface AccountService {

    /**
     * Creates an account with its primary device (0) and a password, stored salted and hashed.
     *
     * @throws AccountException with {@link AccountException.Reason#MALFORMED_ID},
     *         {@link AccountException.Reason#WEAK_PASSWORD}, {@link AccountException.Reason#DUPLICATE}
     *         or {@link AccountException.Reason#UNAVAILABLE}
     */
    void register(String user, String password) throws AccountException;

    /** The number of accounts. @throws AccountException when the store is unavailable */
    long accountCount() throws AccountException;
}
