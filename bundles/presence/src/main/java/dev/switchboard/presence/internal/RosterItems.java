package dev.switchboard.presence.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.RosterItem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Roster items to and from the protocol's nodes (docs/PROTOCOL.md §8b), with the limits a stored item keeps. */
final class RosterItems {

    static final int MAX_NAME_CHARS = 255;
    static final int MAX_GROUPS = 20;
    static final int MAX_GROUP_CHARS = 100;

    private RosterItems() {
    }

    /** An item as the protocol carries it: {@code item user= [name=] subscription= [ask=]} with {@code group name=} children. */
    static Node node(RosterItem item) {
        List<Node> groups = new ArrayList<>(item.groups().size());
        for (String g : item.groups()) {
            groups.add(Node.of("group", "name", g));
        }
        Node attrs = Node.of("item", "user", item.contact(), "name", item.name().isEmpty() ? null : item.name(),
                "subscription", item.subscription(), "ask", item.asked() ? "subscribe" : null);
        return new Node("item", attrs.attributes(), groups, null);
    }

    /** The one {@code item} of a {@code roster op=set}. */
    static RosterItem parse(String owner, Node r) {
        if (r.children().size() != 1 || !"item".equals(r.children().get(0).tag())) {
            throw new IllegalArgumentException("roster op=set carries exactly one item");
        }
        Node item = r.children().get(0);
        String contact = contact(owner, item.attr("user"));
        String name = item.attr("name") == null ? "" : item.attr("name");
        if (name.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException("a roster name is at most " + MAX_NAME_CHARS + " characters");
        }
        LinkedHashSet<String> groups = new LinkedHashSet<>();
        for (Node g : item.children()) {
            String group = g.attr("name");
            if (!"group".equals(g.tag()) || group == null || group.isEmpty() || group.length() > MAX_GROUP_CHARS
                    || group.indexOf('\n') >= 0 || !groups.add(group)) {
                throw new IllegalArgumentException("groups are distinct, 1-" + MAX_GROUP_CHARS + " characters, one line each");
            }
        }
        if (groups.size() > MAX_GROUPS) {
            throw new IllegalArgumentException("an item is in at most " + MAX_GROUPS + " groups");
        }
        return new RosterItem(contact, name, List.copyOf(groups), false, false, false);
    }

    /** The contact a request names: a user id, not the owner's own. */
    static String contact(String owner, String user) {
        if (!Address.isUserId(user)) {
            throw new IllegalArgumentException("name the contact's user id");
        }
        if (user.equals(owner)) {
            throw new IllegalArgumentException("an account is not its own contact");
        }
        return user;
    }
}
