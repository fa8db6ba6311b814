package dev.switchboard.api.store;

/** The database could not do what was asked (unreachable, timed out, or failed). */
public class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
