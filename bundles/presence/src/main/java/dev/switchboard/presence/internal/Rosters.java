package dev.switchboard.presence.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.PresenceStore;
import dev.switchboard.api.store.RosterItem;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An account's roster is its contacts (RFC 6121 §2), with the durable presence subscriptions of
 * §3 between accounts: a request waits (stored) for the contact's answer, an approval lets the
 * requester's devices watch the contact, and every change is pushed to the owner's online devices.
 * Subscriptions live inside visibility: what an approved subscriber sees is still what the
 * contact's visibility (everyone, contacts, nobody) shows, and approving makes the subscriber a
 * contact, so "contacts" visibility shows it. Used on the presence thread only.
 */
final class Rosters {

    private final PresenceStore store;
    private final SettingsCache cache;
    private final SessionDirectory directory;
    private final Availability availability;
    private final Replies replies;
    private final PresenceConfiguration config;
    private final Supplier<AccountService> accounts;

    Rosters(PresenceStore store, SettingsCache cache, SessionDirectory directory, Availability availability, Replies replies,
            PresenceConfiguration config, Supplier<AccountService> accounts) {
        this.store = store;
        this.cache = cache;
        this.directory = directory;
        this.availability = availability;
        this.replies = replies;
        this.config = config;
        this.accounts = accounts;
    }

    /** {@code roster op=get|set|remove}: the owner's own roster. */
    void roster(Address from, Node r) throws StoreException {
        String owner = from.user();
        switch (String.valueOf(r.attr("op"))) {
            case "get" -> {
                if (r.attr("id") == null) {
                    throw new IllegalArgumentException("roster op=get needs an id");
                }
                List<Node> items = new ArrayList<>();
                for (RosterItem item : store.roster(owner)) {
                    items.add(RosterItems.node(item));
                }
                replies.to(from, new Node("roster", java.util.Map.of("op", "result", "id", r.attr("id")),
                        items, null));
            }
            case "set" -> {
                RosterItem given = RosterItems.parse(owner, r);
                Optional<RosterItem> had = store.rosterItem(owner, given.contact());
                if (had.isEmpty() && !roomFor(owner, from, r)) {
                    return;
                }
                RosterItem item = had.map(i -> i.named(given.name(), given.groups())).orElse(given);
                put(owner, item);
                replies.answer(from, r, null, null);
            }
            case "remove" -> {
                String contact = RosterItems.contact(owner, r.attr("user"));
                Optional<RosterItem> had = store.rosterItem(owner, contact);
                if (had.isEmpty()) {
                    replies.answer(from, r, "item-not-found", contact + " is not in the roster");
                    return;
                }
                if (had.get().to() || had.get().asked()) {
                    cancelOnContactsSide(owner, contact);
                }
                if (had.get().from()) {
                    revokeOnRequestersSide(contact, owner);
                }
                store.removeSubscriptionRequest(owner, contact); // removing also refuses its request (RFC 6121 §3.5)
                store.removeContacts(owner, List.of(contact));
                cache.invalidate(owner);
                replies.toDevicesOf(owner, push(Node.of("item", "user", contact, "subscription", "remove")));
                availability.unwatchAll(owner, contact);
                replies.answer(from, r, null, null);
            }
            default -> throw new IllegalArgumentException("roster op must be get, set or remove");
        }
    }

    /** {@code subscription type=subscribe|subscribed|unsubscribe|unsubscribed to=}: RFC 6121 §3.1–3.3. */
    void subscription(Address from, Node r) throws StoreException, AccountException {
        String user = from.user();
        String contact = RosterItems.contact(user, r.attr("to"));
        switch (String.valueOf(r.attr("type"))) {
            case "subscribe" -> subscribe(from, r, user, contact);
            case "subscribed" -> {
                if (store.removeSubscriptionRequest(user, contact)) { // an approval without a request is ignored (§3.1.5)
                    approve(user, contact);
                }
                replies.answer(from, r, null, null);
            }
            case "unsubscribe" -> {
                update(user, contact, i -> i.withTo(false).withAsked(false));
                cancelOnContactsSide(user, contact);
                availability.unwatchAll(user, contact);
                replies.answer(from, r, null, null);
            }
            case "unsubscribed" -> {
                boolean refused = store.removeSubscriptionRequest(user, contact);
                if (update(user, contact, i -> i.withFrom(false)) || refused) {
                    revokeOnRequestersSide(contact, user);
                }
                replies.answer(from, r, null, null);
            }
            default -> throw new IllegalArgumentException("subscription type must be subscribe, subscribed, unsubscribe or unsubscribed");
        }
    }

    /** Whether the account exists; when it does not (or no one can tell now), the request is answered so. */
    boolean exists(Address from, Node r, String user) throws AccountException {
        AccountService service = accounts.get();
        if (service == null) {
            replies.answer(from, r, "unavailable", "accounts are unavailable now; retry");
            return false;
        }
        if (service.devices(user).isEmpty()) {
            replies.answer(from, r, "no-such-user", "no such user: " + user);
            return false;
        }
        return true;
    }

    private void subscribe(Address from, Node r, String user, String contact) throws StoreException, AccountException {
        if (!exists(from, r, contact)) {
            return;
        }
        Optional<RosterItem> mine = store.rosterItem(user, contact);
        if (mine.isEmpty() && !roomFor(user, from, r)) {
            return;
        }
        if (store.rosterItem(contact, user).map(RosterItem::from).orElse(false)) {
            approved(user, contact, mine.orElse(RosterItem.plain(contact))); // approved before: answered at once (§3.1.3)
            replies.answer(from, r, null, null);
            return;
        }
        List<String> waiting = store.subscriptionRequests(contact);
        if (!waiting.contains(user) && waiting.size() >= config.maxContacts()) {
            replies.answer(from, r, "limit", contact + " has too many unanswered requests");
            return;
        }
        RosterItem item = mine.orElse(RosterItem.plain(contact));
        if (!item.to() && !item.asked()) {
            put(user, item.withAsked(true));
        } else if (mine.isEmpty()) {
            put(user, item);
        }
        store.addSubscriptionRequest(contact, user, System.currentTimeMillis());
        replies.toDevicesOf(contact, Node.of("subscription", "type", "subscribe", "from", user));
        replies.answer(from, r, null, null);
    }

    /** The approver granted the requester's request: both rosters change, and the requester's devices see the approver. */
    private void approve(String approver, String requester) throws StoreException {
        RosterItem granted = store.rosterItem(approver, requester).orElse(RosterItem.plain(requester));
        put(approver, granted.withFrom(true));
        approved(requester, approver, store.rosterItem(requester, approver).orElse(RosterItem.plain(approver)));
    }

    private void approved(String user, String contact, RosterItem mine) throws StoreException {
        put(user, mine.withTo(true));
        replies.toDevicesOf(user, Node.of("subscription", "type", "subscribed", "from", contact));
        for (Address device : directory.devicesOf(user)) {
            if (availability.watch(device, contact, config.maxSubscriptionsPerDevice())) {
                availability.show(device, contact);
            }
        }
    }

    /** The user no longer asks to see the contact: the contact's side forgets it, and is told if it had granted it. */
    private void cancelOnContactsSide(String user, String contact) throws StoreException {
        boolean asked = store.removeSubscriptionRequest(contact, user);
        if (update(contact, user, i -> i.withFrom(false)) || asked) {
            replies.toDevicesOf(contact, Node.of("subscription", "type", "unsubscribe", "from", user));
        }
    }

    /** The contact no longer lets the user see it: the user's side loses it, and is told. */
    private void revokeOnRequestersSide(String user, String contact) throws StoreException {
        if (update(user, contact, i -> i.withTo(false).withAsked(false))) {
            replies.toDevicesOf(user, Node.of("subscription", "type", "unsubscribed", "from", contact));
        }
        availability.unwatchAll(user, contact);
    }

    /** A device said it is present: it gets the requests waiting for an answer and watches what its account sees. */
    void present(Address device) throws StoreException {
        for (String requester : store.subscriptionRequests(device.user())) {
            replies.to(device, Node.of("subscription", "type", "subscribe", "from", requester));
        }
        for (RosterItem item : store.roster(device.user())) {
            if (item.to() && availability.watch(device, item.contact(), config.maxSubscriptionsPerDevice())) {
                availability.show(device, item.contact());
            }
        }
    }

    /** {@code contacts op=add|remove|list}: the address book, i.e. the roster without names or subscriptions. */
    void contacts(Address from, Node r) throws StoreException {
        String op = String.valueOf(r.attr("op"));
        if (op.equals("list")) {
            replies.to(from, Node.of("result", "id", r.attr("id"), "users", String.join(",", store.contacts(from.user()))));
            return;
        }
        List<String> users = users(r.attr("users"));
        switch (op) {
            case "add" -> {
                if (store.contacts(from.user()).size() + users.size() > config.maxContacts()) {
                    replies.answer(from, r, "limit", "an account has at most " + config.maxContacts() + " contacts");
                    return;
                }
                store.addContacts(from.user(), users);
            }
            case "remove" -> store.removeContacts(from.user(), users);
            default -> throw new IllegalArgumentException("contacts op must be add, remove or list");
        }
        cache.invalidate(from.user());
        replies.answer(from, r, null, null);
    }

    private boolean roomFor(String owner, Address from, Node r) throws StoreException {
        if (store.contacts(owner).size() >= config.maxContacts()) {
            replies.answer(from, r, "limit", "an account has at most " + config.maxContacts() + " contacts");
            return false;
        }
        return true;
    }

    /** Changes an existing item. @return whether there was one and it changed */
    private boolean update(String owner, String contact, java.util.function.UnaryOperator<RosterItem> change)
            throws StoreException {
        Optional<RosterItem> had = store.rosterItem(owner, contact);
        if (had.isEmpty()) {
            return false;
        }
        RosterItem now = change.apply(had.get());
        if (now.equals(had.get())) {
            return false;
        }
        put(owner, now);
        return true;
    }

    private void put(String owner, RosterItem item) throws StoreException {
        store.putRosterItem(owner, item);
        cache.invalidate(owner);
        replies.toDevicesOf(owner, push(RosterItems.node(item)));
    }

    private static Node push(Node item) {
        return new Node("roster", java.util.Map.of("op", "push"), List.of(item), null);
    }

    private static List<String> users(String csv) {
        if (csv == null || csv.isBlank()) {
            throw new IllegalArgumentException("name the users, comma-separated");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String u : csv.split(",")) {
            String user = u.trim();
            if (!Address.isUserId(user)) {
                throw new IllegalArgumentException("not a user id: '" + user + "'");
            }
            out.add(user);
        }
        return List.copyOf(out);
    }
}
