package dev.switchboard.groups.internal;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.routing.Outbox;
import dev.switchboard.api.routing.StanzaHandler;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.GroupStore;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * stanza on its own thread (requests touch SQL; the I/O threads must not wait for it), one request
 * at a time so concurrent changes to one group apply in arrival order. Its state is all in the
 * store, so a swap hands nothing over; deactivation finishes the requests already taken.
 */
@Component(service = {GroupDirectory.class, StanzaHandler.class}, immediate = true,
        property = StanzaHandler.TAGS + "=group", configurationPid = "dev.switchboard.groups")
@Designate(ocd = GroupsConfiguration.class)
public final class GroupsComponent implements GroupDirectory, StanzaHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GroupsComponent.class);

    private final MembershipCache cache;
    private final GroupRequests requests;
    private final ExecutorService worker;
    private volatile AccountService accounts;
    private volatile Outbox outbox;

    @Activate
    public GroupsComponent(@Reference GroupStore store, GroupsConfiguration config) {
        if (config.maxMembers() < 2) {
            throw new IllegalArgumentException("maxMembers must be at least 2");
        }
        this.cache = new MembershipCache(store, config.cacheEntries());
        this.requests = new GroupRequests(store, cache, config);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sb-groups");
            t.setDaemon(true);
            return t;
        });
        LOG.info("Groups ready (at most {} members a group)", config.maxMembers());
    }

    /** Checking that added members exist; without it, group requests wait. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAccounts(AccountService service) {
        accounts = service;
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
    }

    void unbindOutbox(Outbox service) {
        if (outbox == service) {
            outbox = null;
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdown();
        if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.error("Group requests did not finish within 30 s");
        }
        cache.close();
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
        if (accounts == null || outbox == null) {
            return false;
        }
        try {
            worker.execute(() -> requests.handle(from, stanza, () -> accounts, this::currentOutbox));
            return true;
        } catch (RejectedExecutionException stopping) {
            return false; // being replaced: the next revision takes it
        }
    }

    /** The outbox now, waiting up to ten seconds while the router is being replaced; null if none came. */
    private Outbox currentOutbox() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Outbox o;
        while ((o = outbox) == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return o;
    }
}
