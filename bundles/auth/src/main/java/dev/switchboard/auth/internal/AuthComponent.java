package dev.switchboard.auth.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.auth.DeviceListener;
import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.auth.CredentialData;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.DeviceRecord;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins and account administration. Its only in-memory state, the login throttle and the decoy
 * secret, is handed to the next revision through the state vault; the credential cache is rebuilt.
 */
@Component(service = {Authenticator.class, AccountService.class}, immediate = true, configurationPid = "dev.switchboard.auth")
@Designate(ocd = AuthConfiguration.class)
public final class AuthComponent implements Authenticator, AccountService {

    private static final Logger LOG = LoggerFactory.getLogger(AuthComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.auth";
    private static final int STATE_SHAPE = 1;

    private final StateVault vault;
    private final CredentialCache cache;
    private final LoginThrottle throttle;
    private final byte[] secret;
    private final LoginFlow logins;
    private final Accounts accounts;
    private final AccountRequests requests;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SessionDirectory sessions;

    /** Bundles told of linked and unlinked devices (keys tells the account's contacts). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final java.util.List<DeviceListener> deviceListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Activate
    public AuthComponent(@Reference AccountStore store, @Reference StateVault vault, AuthConfiguration config) {
        if (config.iterations() < 4096 || config.minPasswordLength() < 1 || config.tokenHours() < 1
                || config.accountFailures() < 1 || config.addressFailures() < 1 || config.lockoutMs() < 100) {
            throw new IllegalArgumentException("iterations >= 4096 (RFC 7677), and the other limits >= 1");
        }
        this.vault = vault;
        this.cache = new CredentialCache(store, config.cacheEntries());
        this.throttle = new LoginThrottle(config.lockoutMs(), 15 * 60_000L);
        Map<String, Object> handedOver = vault.take(VAULT_KEY)
                .filter(s -> s.shapeVersion() == STATE_SHAPE).map(s -> s.data()).orElse(Map.of());
        this.secret = handedOver.get("secret") instanceof byte[] s ? s.clone() : Scram.random(32);
        if (handedOver.get("throttle") instanceof Map<?, ?> t) {
            @SuppressWarnings("unchecked")
            Map<String, Object> counters = (Map<String, Object>) t;
            throttle.restore(counters);
        }
        this.logins = new LoginFlow(store, cache, throttle, config, secret);
        this.accounts = new Accounts(store, cache, () -> sessions, () -> deviceListeners, config.iterations(), config.minPasswordLength());
        this.requests = new AccountRequests(accounts, config.clientRegistration());
        LOG.info("Authentication ready (SCRAM-SHA-256, {} iterations)", config.iterations());
    }

    @Deactivate
    void deactivate() {
        vault.put(VAULT_KEY, STATE_SHAPE, Map.of("secret", secret.clone(), "throttle", throttle.snapshot()));
        cache.close();
    }

    @Override
    public LoginStep login(Map<String, String> state, Node stanza, String remote) {
        return logins.step(state, stanza, remote);
    }

    @Override
    public Node accountRequest(Address from, Node request, String remote) {
        return requests.handle(from, request);
    }

    @Override
    public void register(String user, String password) throws AccountException {
        accounts.register(user, password);
    }

    @Override
    public void register(String user, CredentialData credential) throws AccountException {
        accounts.register(user, credential);
    }

    @Override
    public void linkDevice(Address device, String password) throws AccountException {
        accounts.linkDevice(device, password);
    }

    @Override
    public void linkDevice(Address device, CredentialData credential) throws AccountException {
        accounts.linkDevice(device, credential);
    }

    @Override
    public void unlinkDevice(Address device) throws AccountException {
        accounts.unlinkDevice(device);
    }

    @Override
    public void changePassword(Address device, String password) throws AccountException {
        accounts.changePassword(device, password);
    }

    @Override
    public void changePassword(Address device, CredentialData credential) throws AccountException {
        accounts.changePassword(device, credential);
    }

    @Override
    public void deleteAccount(String user) throws AccountException {
        accounts.deleteAccount(user);
    }

    @Override
    public List<DeviceRecord> devices(String user) throws AccountException {
        return accounts.devices(user);
    }

    @Override
    public long accountCount() throws AccountException {
        return accounts.accountCount();
    }
}
