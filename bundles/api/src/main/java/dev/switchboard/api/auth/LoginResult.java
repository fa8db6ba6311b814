package dev.switchboard.api.auth;

import dev.switchboard.api.stanza.Address;

/**
 * The outcome of a login attempt.
 *
 * @param address the device now logged in, or {@code null} when refused
 * @param failure why it was refused, or {@code null} on success
 * @param text    a human-readable explanation for the client
 */
public record LoginResult(Address address, Failure failure, String text) {

    /** Why a login was refused. */
    public enum Failure {
        /** The user id or device is not well-formed. */
        MALFORMED,
        /** No such account, or a wrong password: deliberately the same answer. */
        NOT_AUTHORIZED,
        /** The account store cannot be reached; the client should retry. */
        UNAVAILABLE;

        /** The code as sent to clients. */
        public String wireCode() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** A successful login. */
    public static LoginResult ok(Address address) {
        return new LoginResult(address, null, "ok");
    }

    /** A refused login. */
    public static LoginResult refused(Failure failure, String text) {
        return new LoginResult(null, failure, text);
    }

    /** Whether the device is now logged in. */
    public boolean succeeded() {
        return address != null;
    }
}
