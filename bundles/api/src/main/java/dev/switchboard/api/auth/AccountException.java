package dev.switchboard.api.auth;

/** An account operation that could not be done, with a reason a client or operator can act on. */
public class AccountException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an account operation failed; {@link #wireCode()} is what clients see. */
    public enum Reason {
        /** The user id is not 1 to 20 digits, or the device not 0 to 255. */
        MALFORMED_ID,
        /** The password is too short or too long, or the credential is malformed or too weak. */
        WEAK_PASSWORD,
        /** The account already exists. */
        DUPLICATE,
        /** No such account. */
        UNKNOWN,
        /** No such device, or the device number is taken when linking. */
        UNKNOWN_DEVICE,
        /** The device number is already linked. */
        DEVICE_EXISTS,
        /** The account already has {@link AccountService#MAX_DEVICES} devices. */
        DEVICE_LIMIT,
        /** The operation is not allowed: registration switched off, or not the primary device. */
        FORBIDDEN,
        /** The account store cannot be reached; retry later. */
        UNAVAILABLE;

        /** The code as sent to clients, e.g. {@code device-limit}. */
        public String wireCode() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
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
