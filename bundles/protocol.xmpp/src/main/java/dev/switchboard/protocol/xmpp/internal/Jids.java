package dev.switchboard.protocol.xmpp.internal;

import dev.switchboard.api.stanza.Address;

/**
 * How Switchboard's addresses look as JIDs on one domain (docs/XMPP.md, "Accounts and devices"): an
 * account is {@code user@domain}, its device N the full JID {@code user@domain/N}; the resource a
 * client asks for is replaced by its device number, so a full JID names exactly one device.
 */
final class Jids {

    private final String domain;

    Jids(String domain) {
        this.domain = domain;
    }

    String domain() {
        return domain;
    }

    String full(Address device) {
        return device.user() + "@" + domain + "/" + device.device();
    }

    String bare(String user) {
        return user + "@" + domain;
    }

    /**
     * A JID on this domain as Switchboard's {@code to}: {@code user} for a bare JID (every device of
     * the account) or {@code user/device}; null when it is not an account here.
     */
    String recipient(String jid) {
        if (jid == null) {
            return null;
        }
        int at = jid.indexOf('@');
        int slash = jid.indexOf('/', Math.max(at, 0));
        String user = at < 0 ? null : jid.substring(0, at);
        String host = at < 0 ? null : slash < 0 ? jid.substring(at + 1) : jid.substring(at + 1, slash);
        if (user == null || !Address.isUserId(user) || !domain.equalsIgnoreCase(host)) {
            return null;
        }
        if (slash < 0) {
            return user;
        }
        String resource = jid.substring(slash + 1);
        try {
            int device = Integer.parseInt(resource);
            return device >= 0 && device <= Address.MAX_DEVICE ? user + "/" + device : user;
        } catch (NumberFormatException e) {
            return user; // a resource that names no device: the account as a whole
        }
    }

    /** Whether a JID names this server (the domain itself) or is absent. */
    boolean server(String jid) {
        return jid == null || jid.isEmpty() || domain.equalsIgnoreCase(jid);
    }

    /**
     * The device a SASL user name logs in as: {@code user} for the primary device 0, {@code user.N}
     * for linked device N (a JID's local part cannot hold a slash).
     *
     * @return {user, device}; the device "-1" when the name is not of that form (the login then fails)
     */
    static String[] loginName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return new String[] {name, "0"};
        }
        String device = name.substring(dot + 1);
        return device.chars().allMatch(Character::isDigit) && !device.isEmpty() && device.length() <= 3
                ? new String[] {name.substring(0, dot), device} : new String[] {name, "-1"};
    }
}
