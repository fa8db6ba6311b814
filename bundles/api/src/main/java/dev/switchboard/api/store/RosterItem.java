package dev.switchboard.api.store;

import java.util.List;

/**
 * One entry of an account's roster (RFC 6121 §2), which is the account's contacts: the name and
 * groups its owner gave the contact, and the presence subscriptions between them.
 *
 * @param contact the contact's account id
 * @param name    the owner's name for it, "" for none
 * @param groups  the owner's groups for it, in order, none empty
 * @param to      the owner sees the contact's presence (its subscription request was approved)
 * @param from    the contact sees the owner's presence (the owner approved its request)
 * @param asked   the owner asked to see the contact's presence and has no answer yet ("ask")
 */
public record RosterItem(String contact, String name, List<String> groups, boolean to, boolean from, boolean asked) {

    public RosterItem {
        name = name == null ? "" : name;
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** A contact with no name, no groups and no subscription either way, as {@code contacts add} makes it. */
    public static RosterItem plain(String contact) {
        return new RosterItem(contact, "", List.of(), false, false, false);
    }

    /** RFC 6121's name for the subscription state: none, to, from or both. */
    public String subscription() {
        return to ? (from ? "both" : "to") : (from ? "from" : "none");
    }

    public RosterItem withTo(boolean value) {
        return new RosterItem(contact, name, groups, value, from, value ? false : asked);
    }

    public RosterItem withFrom(boolean value) {
        return new RosterItem(contact, name, groups, to, value, asked);
    }

    public RosterItem withAsked(boolean value) {
        return new RosterItem(contact, name, groups, to, from, value);
    }

    /** The same subscriptions under the name and groups the owner gave now. */
    public RosterItem named(String newName, List<String> newGroups) {
        return new RosterItem(contact, newName, newGroups, to, from, asked);
    }
}
