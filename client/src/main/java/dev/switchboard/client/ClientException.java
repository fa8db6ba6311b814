package dev.switchboard.client;

/** The server refused a request, or the connection failed. {@link #code()} is the server's error code. */
public class ClientException extends Exception {

    private static final long serialVersionUID = 1L;
    private final String code;

    public ClientException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The server's error code, e.g. {@code not-authorized}, or {@code io} for a connection failure. */
    public String code() {
        return code;
    }
}
