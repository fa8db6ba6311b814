package dev.switchboard.groups.internal;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.routing.Outbox;
import dev.switchboard.api.routing.StanzaHandler;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.GroupStore;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups: answers the router's "who is in this group" from memory, and handles the {@code group}
 * stanza on its own thread (requests touch SQL; the I/O threads must not wait for it), one at a time
 * so concurrent changes to one group apply in arrival order. A revision being replaced does not wait
 * for its work to finish (that work may need services the same swap is taking away): requests not
 * started yet, and changes whose members are still to be told, go to the next revision through the
 * state vault.
 */
@Component(service = {GroupDirectory.class, StanzaHandler.class}, immediate = true,
        property = StanzaHandler.TAGS + "=group", configurationPid = "dev.switchboard.groups")
@Designate(ocd = GroupsConfiguration.class)
public final class GroupsComponent implements GroupDirectory, StanzaHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GroupsComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.groups";
    private static final int STATE_SHAPE = 1;

    /** Work waiting for the groups thread: a request to perform, or a change whose members are to be told. */
    private record Task(Address from, Node request, GroupRequests.Delivery delivery) {
    }

    private final StateVault vault;
    private final MembershipCache cache;
    private final GroupRequests requests;
    private final BlockingDeque<Task> tasks = new LinkedBlockingDeque<>();
    private final Thread worker;
    private volatile boolean stopping;
    /** The task the worker was on when this revision stopped, if it did not finish. */
    private volatile Task unfinished;
    private volatile AccountService accounts;
    private volatile Outbox outbox;
    private final Object bound = new Object();

    @Activate
    public GroupsComponent(@Reference GroupStore store, @Reference StateVault vault, GroupsConfiguration config) {
        if (config.maxMembers() < 2) {
            throw new IllegalArgumentException("maxMembers must be at least 2");
        }
        this.vault = vault;
        this.cache = new MembershipCache(store, config.cacheEntries());
        this.requests = new GroupRequests(store, cache, config);
        int handed = takeOver();
        this.worker = new Thread(this::work, "sb-groups");
        worker.setDaemon(true);
        worker.start();
        LOG.info("Groups ready (at most {} members a group; {} tasks taken over)", config.maxMembers(), handed);
    }

    @SuppressWarnings("unchecked")
    private int takeOver() {
        Map<String, Object> data = vault.take(VAULT_KEY).filter(s -> s.shapeVersion() == STATE_SHAPE)
                .map(s -> s.data()).orElse(Map.of());
        int n = 0;
        if (data.get("tasks") instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> t = (Map<String, Object>) o;
                if (t.get("delivery") instanceof Map<?, ?> d) {
                    tasks.add(new Task(null, null, GroupRequests.Delivery.fromData((Map<String, Object>) d)));
                } else {
                    tasks.add(new Task(Address.parse((String) t.get("from")), (Node) t.get("request"), null));
                }
                n++;
            }
        }
        return n;
    }

    private void work() {
        while (!stopping) {
            Task t;
            try {
                t = tasks.take();
            } catch (InterruptedException e) {
                return;
            }
            unfinished = t;
            GroupRequests.Delivery delivery = t.delivery();
            if (delivery == null) {
                AccountService accountService = awaitAccounts();
                if (Thread.currentThread().isInterrupted()) {
                    return; // stopping while auth is being replaced: the request goes to the next revision
                }
                Object outcome = requests.perform(t.from(), t.request(), accountService);
                delivery = outcome instanceof Node answer
                        ? new GroupRequests.Delivery(t.from(), answer, List.of(), "", Map.of()) // an answer, nobody to tell
                        : (GroupRequests.Delivery) outcome;
                unfinished = new Task(null, null, delivery); // the request is done: only telling and answering are left
            }
            if (GroupRequests.deliver(delivery, this::currentOutbox)) {
                unfinished = null;
            } else {
                return; // interrupted: this revision is stopping and hands the rest over
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAccounts(AccountService service) {
        accounts = service;
        signalBound();
    }

    void unbindAccounts(AccountService service) {
        if (accounts == service) {
            accounts = null;
        }
    }

    /** How answers and notifications leave; the router provides it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindOutbox(Outbox service) {
        outbox = service;
        signalBound();
    }

    private void signalBound() {
        synchronized (bound) {
            bound.notifyAll();
        }
    }

    /** Waits (interruptibly) until the service is bound or the time is up. @return it, or null */
    private <S> S await(java.util.function.Supplier<S> service, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (bound) {
            S s;
            long left;
            while ((s = service.get()) == null && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(bound, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return s;
        }
    }

    void unbindOutbox(Outbox service) {
        if (outbox == service) {
            outbox = null;
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(10));
        List<Object> handover = new ArrayList<>();
        Task current = unfinished;
        if (current != null) {
            handover.add(toData(current));
        }
        for (Task t : tasks) {
            handover.add(toData(t));
        }
        Map<String, Object> state = new HashMap<>();
        state.put("tasks", handover);
        vault.put(VAULT_KEY, STATE_SHAPE, state);
        cache.close();
        if (!handover.isEmpty()) {
            LOG.info("Handing {} group tasks to the next revision", handover.size());
        }
    }

    private static Map<String, Object> toData(Task t) {
        return t.delivery() != null ? Map.of("delivery", t.delivery().toData())
                : Map.of("from", t.from().toString(), "request", t.request());
    }

    @Override
    public Optional<List<String>> members(String groupId) throws StoreException {
        return cache.group(groupId).map(g -> {
            List<String> users = new ArrayList<>(g.members().size());
            g.members().forEach(m -> users.add(m.user()));
            return users;
        });
    }

    @Override
    public boolean handle(Address from, Node stanza) {
        if (stopping || accounts == null || outbox == null) {
            return false; // the stanza waits for the next revision or the missing service
        }
        tasks.add(new Task(from, stanza, null));
        return true;
    }

    /** Accounts, waiting up to ten seconds while auth is being replaced; null if none came (or interrupted). */
    private AccountService awaitAccounts() {
        return await(() -> accounts, 10);
    }

    /** The outbox now, waiting a little while the router is being replaced; null if none came. */
    private Outbox currentOutbox() {
        return await(() -> outbox, 2);
    }
}
