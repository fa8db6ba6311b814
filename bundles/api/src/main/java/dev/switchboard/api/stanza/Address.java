package dev.switchboard.api.stanza;

/**
 * A device of an account: the account's user id (digits, like a phone number) and a device number.
 * Written {@code user/device} on the wire and in attributes, e.g. {@code 15551234567/0}.
 *
 * <p>A value class rather than a record so that its hash and text are computed once: addresses
 * key every per-device map on the message path and are written into every delivered stanza.
 */
public final class Address {

    /** The longest user id accepted. */
    public static final int MAX_USER_DIGITS = 20;
    /** The highest device number accepted. */
    public static final int MAX_DEVICE = 255;

    private final String user;
    private final int device;
    private final int hash;
    /** {@code user/device}, made on first use. */
    private String text;

    /**
     * @param user   the account's user id, 1 to 20 decimal digits
     * @param device the device number, 0 for the primary device
     */
    public Address(String user, int device) {
        if (!isUserId(user)) {
            throw new IllegalArgumentException("a user id is 1 to " + MAX_USER_DIGITS + " digits: " + user);
        }
        if (device < 0 || device > MAX_DEVICE) {
            throw new IllegalArgumentException("device must be 0.." + MAX_DEVICE + ": " + device);
        }
        this.user = user;
        this.device = device;
        this.hash = user.hashCode() * 31 + device;
    }

    /** The account's user id. */
    public String user() {
        return user;
    }

    /** The device number, 0 for the primary device. */
    public int device() {
        return device;
    }

    /** Whether the text is a well-formed user id. */
    public static boolean isUserId(String user) {
        if (user == null || user.isEmpty() || user.length() > MAX_USER_DIGITS) {
            return false;
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code user/device}; a bare {@code user} means device 0.
     *
     * @throws IllegalArgumentException when the text is not an address
     */
    public static Address parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no address");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new Address(text, 0);
        }
        String device = text.substring(slash + 1);
        if (device.isEmpty() || device.length() > 3 || !isUserId(device)) {
            throw new IllegalArgumentException("bad device in address: " + text);
        }
        return new Address(text.substring(0, slash), Integer.parseInt(device));
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Address a && a.hash == hash && a.device == device && a.user.equals(user);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = user + "/" + device;
            text = t; // a benign race: every thread computes the same text
        }
        return t;
    }
}
