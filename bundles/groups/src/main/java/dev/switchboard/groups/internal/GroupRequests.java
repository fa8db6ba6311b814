package dev.switchboard.groups.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.routing.Outbox;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.GroupStore.Group;
import dev.switchboard.api.store.GroupStore.Member;
import dev.switchboard.api.store.GroupStore;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code group} stanza: create, add, remove, promote, demote, leave, subject, info, list. Only
 * admins change membership, roles and subject; anyone may leave; every change reaches the members
 * as a stored notification, and the requester's result follows once those are durable. Errors are
 * {@code result error=} with a code naming exactly what was wrong.
 */
final class GroupRequests {

    private static final Logger LOG = LoggerFactory.getLogger(GroupRequests.class);

    /** A refusal with its wire code. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final String code;

        Refused(String code, String text) {
            super(text, null, false, false);
            this.code = code;
        }
    }

    private final GroupStore store;
    private final MembershipCache cache;
    private final GroupsConfiguration config;

    GroupRequests(GroupStore store, MembershipCache cache, GroupsConfiguration config) {
        this.store = store;
        this.cache = cache;
        this.config = config;
    }

    /**
     * A change made whose members are still to be told (a stored notification), and the answer its
     * requester gets once they are. Plain data, so a revision being replaced hands it to the next.
     */
    record Delivery(Address requester, Node answer, List<String> users, String type, Map<String, String> attributes) {

        Map<String, Object> toData() {
            return Map.of("requester", requester.toString(), "answer", answer, "users", List.copyOf(users), "type", type,
                    "attributes", Map.copyOf(attributes));
        }

        @SuppressWarnings("unchecked")
        static Delivery fromData(Map<String, Object> d) {
            return new Delivery(Address.parse((String) d.get("requester")), (Node) d.get("answer"),
                    (List<String>) d.get("users"), (String) d.get("type"), (Map<String, String>) d.get("attributes"));
        }
    }

    /**
     * Performs one request. @return the answer to send now, or a {@link Delivery} when members must be
     * told first; never throws
     */
    Object perform(Address from, Node request, AccountService accounts) {
        String id = request.attr("id");
        if (id == null || id.isEmpty()) {
            // nothing is changed for a request whose answer could not be matched to it
            return Node.of("error", "code", "bad-request", "text", "a group request needs an id");
        }
        try {
            if (accounts == null) {
                throw new Refused("unavailable", "accounts are unavailable now; retry");
            }
            Change change = change(from, request, accounts);
            Node answer = change.result.with("id", id);
            if (change.notifyUsers.isEmpty()) {
                return answer;
            }
            return new Delivery(from, answer, List.copyOf(change.notifyUsers), change.type, change.attributes);
        } catch (Refused r) {
            return error(id, r.code, r.getMessage());
        } catch (StoreException | AccountException e) {
            LOG.warn("Group request {} from {} failed: {}", request.attr("type"), from, e.getMessage());
            return error(id, "unavailable", "groups are unavailable now; retry");
        } catch (RuntimeException e) {
            LOG.error("Group request {} from {} hit a fault", request.attr("type"), from, e);
            return error(id, "internal-error", "server fault; retry");
        }
    }

    /**
     * Stores the notification through whichever router is current, then answers the requester.
     *
     * @return false when interrupted first (this revision is stopping): the caller hands it over
     */
    static boolean deliver(Delivery d, Supplier<Outbox> outbox) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Thread.currentThread().isInterrupted()) {
            if (System.nanoTime() > deadline) {
                LOG.error("Group {} changed but its members could not be told within 60 s", d.attributes().get("group"));
                Outbox out = outbox.get();
                if (out != null) {
                    out.live(d.requester(), error(d.answer().attr("id"), "unavailable",
                            "the change was made but members may not have been told; retry"));
                }
                return true;
            }
            Outbox out = outbox.get();
            if (out != null) {
                try {
                    if (!d.users().isEmpty()) {
                        out.notify(d.users(), d.requester(), d.type(), d.attributes()).toCompletableFuture()
                                .get(30, TimeUnit.SECONDS);
                    }
                    out.live(d.requester(), d.answer());
                    return true;
                } catch (IllegalStateException routerStopping) {
                    // that revision is going away: the next one takes it
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof InterruptedException) {
                        return false;
                    }
                    LOG.warn("Group {} changed but its notification could not be stored ({}); retrying", d.attributes().get("group"),
                            e.getCause().getMessage());
                } catch (TimeoutException e) {
                    LOG.warn("Storing the notification of group {} takes long; retrying", d.attributes().get("group"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            try {
                Thread.sleep(50); // a pause before retrying on this serial worker; bounded by the deadline above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    static Node error(String id, String code, String text) {
        return Node.of("result", "id", id, "error", code, "text", text);
    }

    /** What a request changed: the answer, and the notification for the members. */
    private record Change(Node result, Collection<String> notifyUsers, String type, Map<String, String> attributes) {
        static Change answer(Node result) {
            return new Change(result, List.of(), null, Map.of());
        }
    }

    private Change change(Address from, Node r, AccountService accounts) throws Refused, StoreException, AccountException {
        String type = r.attr("type");
        if (type == null) {
            throw new Refused("bad-request", "a group request needs a type");
        }
        String actor = from.user();
        switch (type) {
            case "create": {
                String subject = subject(r);
                LinkedHashSet<String> members = users(r, accounts, false);
                members.remove(actor);
                if (members.size() + 1 > config.maxMembers()) {
                    throw new Refused("group-limit", "a group holds at most " + config.maxMembers() + " members");
                }
                String group = store.create(subject, actor, List.copyOf(members), System.currentTimeMillis());
                List<String> all = new ArrayList<>(members);
                all.add(0, actor);
                return new Change(Node.of("result", "group", group), all, "group-create",
                        attrs("group", group, "subject", subject, "members", String.join(",", all)));
            }
            case "list":
                return Change.answer(Node.of("result", "groups", String.join(",", store.groupsOf(actor))));
            default:
                break;
        }
        String groupId = r.attr("group");
        Group g = group(groupId);
        Member me = member(g, actor).orElseThrow(() -> new Refused("not-a-member", "you are not a member of " + groupId));
        switch (type) {
            case "info": {
                List<String> admins = new ArrayList<>();
                List<String> members = new ArrayList<>();
                for (Member m : g.members()) {
                    members.add(m.user());
                    if (m.admin()) {
                        admins.add(m.user());
                    }
                }
                return Change.answer(Node.of("result", "group", g.id(), "subject", g.subject(), "creator", g.creator(),
                        "members", String.join(",", members), "admins", String.join(",", admins)));
            }
            case "leave": {
                store.removeMembers(g.id(), List.of(actor));
                cache.invalidate(g.id());
                List<String> remaining = usersOf(g);
                remaining.remove(actor);
                if (remaining.isEmpty()) {
                    store.delete(g.id());
                } else if (me.admin() && g.members().stream().noneMatch(m -> m.admin() && !m.user().equals(actor))) {
                    store.setAdmin(g.id(), List.of(remaining.get(0)), true); // a group always keeps an admin
                }
                cache.invalidate(g.id());
                List<String> told = new ArrayList<>(remaining);
                told.add(actor); // the leaver's other devices learn it too
                return new Change(Node.of("result", "group", g.id()), told, "group-leave", attrs("group", g.id(), "members", actor));
            }
            default:
                break;
        }
        if (!me.admin()) {
            throw new Refused("not-admin", "only an admin of " + g.id() + " may " + type);
        }
        switch (type) {
            case "add": {
                List<String> wanted = List.copyOf(users(r, accounts, true));
                List<String> added;
                try {
                    added = store.addMembers(g.id(), wanted, config.maxMembers());
                } catch (GroupStore.GroupLimitException full) {
                    throw new Refused("group-limit", full.getMessage());
                }
                cache.invalidate(g.id());
                List<String> told = usersOf(g);
                told.addAll(added);
                return new Change(Node.of("result", "group", g.id(), "added", String.join(",", added)), told, "group-add",
                        attrs("group", g.id(), "members", String.join(",", added)));
            }
            case "remove": {
                List<String> removed = store.removeMembers(g.id(), List.copyOf(users(r, null, true)));
                cache.invalidate(g.id());
                return new Change(Node.of("result", "group", g.id(), "removed", String.join(",", removed)), usersOf(g),
                        "group-remove", attrs("group", g.id(), "members", String.join(",", removed)));
            }
            case "promote", "demote": {
                List<String> wanted = List.copyOf(users(r, null, true));
                for (String u : wanted) {
                    if (member(g, u).isEmpty()) {
                        throw new Refused("not-a-member", u + " is not a member of " + g.id());
                    }
                }
                List<String> changed = store.setAdmin(g.id(), wanted, type.equals("promote"));
                cache.invalidate(g.id());
                return new Change(Node.of("result", "group", g.id(), "changed", String.join(",", changed)), usersOf(g),
                        "group-" + type, attrs("group", g.id(), "members", String.join(",", changed)));
            }
            case "subject": {
                String subject = subject(r);
                store.setSubject(g.id(), subject);
                cache.invalidate(g.id());
                return new Change(Node.of("result", "group", g.id()), usersOf(g), "group-subject",
                        attrs("group", g.id(), "subject", subject));
            }
            default:
                throw new Refused("bad-request", "unknown group request type '" + type + "'");
        }
    }

    private Group group(String groupId) throws Refused, StoreException {
        if (!dev.switchboard.api.groups.GroupDirectory.isGroupId(groupId)) {
            throw new Refused("bad-request", "'group' must be a group id (g and digits)");
        }
        return cache.group(groupId).orElseThrow(() -> new Refused("no-such-group", "no group " + groupId));
    }

    private static Optional<Member> member(Group g, String user) {
        return g.members().stream().filter(m -> m.user().equals(user)).findFirst();
    }

    private static List<String> usersOf(Group g) {
        List<String> out = new ArrayList<>();
        g.members().forEach(m -> out.add(m.user()));
        return out;
    }

    private String subject(Node r) throws Refused {
        String subject = r.attr("subject");
        if (subject == null || subject.isBlank() || subject.length() > config.maxSubjectLength()) {
            throw new Refused("bad-request", "a group subject is 1 to " + config.maxSubjectLength() + " characters");
        }
        return subject;
    }

    /**
     * The {@code members} attribute: comma-separated user ids, checked to exist when
     * {@code accounts} is given.
     */
    private LinkedHashSet<String> users(Node r, AccountService accounts, boolean required) throws Refused, AccountException {
        String list = r.attr("members");
        LinkedHashSet<String> users = new LinkedHashSet<>();
        if (list == null || list.isBlank()) {
            if (required) {
                throw new Refused("bad-request", "name the members, comma-separated");
            }
            return users;
        }
        for (String u : list.split(",")) {
            String user = u.trim();
            if (!Address.isUserId(user)) {
                throw new Refused("bad-request", "not a user id: '" + user + "'");
            }
            users.add(user);
        }
        if (users.size() > config.maxMembers()) {
            throw new Refused("group-limit", "a group holds at most " + config.maxMembers() + " members");
        }
        if (accounts != null) {
            for (String user : users) {
                if (accounts.devices(user).isEmpty()) {
                    throw new Refused("no-such-user", "no such user: " + user);
                }
            }
        }
        return users;
    }

    private static Map<String, String> attrs(String... kv) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return out;
    }
}
