package dev.switchboard.api.auth;

/** An account operation that could not be done, with a reason a client or operator can act on. */
public class AccountException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an account operation failed. */
    public enum Reason {
        /** The user id is not 1 to 20 digits. */
        MALFORMED_ID,
        /** The password is too short or too long. */
        WEAK_PASSWORD,
        /** The account already exists. */
        DUPLICATE,
        /** No such account. */
        UNKNOWN,
        /** The account store cannot be reached. */
        UNAVAILABLE
    }

    private final Reason reason;

    public AccountException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public AccountException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
