package dev.switchboard.api.auth;

import org.osgi.annotation.versioning.ProviderType;

/** Checks a device's credentials when it logs in. */
@ProviderType
public interface Authenticator {

    /**
     * Checks a login attempt. Never throws for bad credentials: the result says why.
     *
     * @param user     the user id as the client sent it (may be malformed)
     * @param device   the device number as the client sent it (may be malformed)
     * @param password the password as the client sent it
     * @param remote   the client's address, for throttling and logs
     */
    LoginResult login(String user, String device, String password, String remote);
}
