package dev.switchboard.auth.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountException.Reason;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.auth.LoginResult;
import dev.switchboard.api.auth.LoginResult.Failure;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks logins and creates accounts against the account store. Stateless, so it swaps freely. */
@Component(service = {Authenticator.class, AccountService.class}, configurationPid = "dev.switchboard.auth")
@Designate(ocd = AuthConfiguration.class)
public final class AuthComponent implements Authenticator, AccountService {

    private static final Logger LOG = LoggerFactory.getLogger(AuthComponent.class);
    private static final int MAX_PASSWORD_LENGTH = 1024;

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final int minPasswordLength;

    @Activate
    public AuthComponent(@Reference AccountStore store, AuthConfiguration config) {
        if (config.minPasswordLength() < 1) {
            throw new IllegalArgumentException("minPasswordLength must be at least 1");
        }
        this.store = store;
        this.hasher = new PasswordHasher(config.iterations());
        this.minPasswordLength = config.minPasswordLength();
    }

    @Override
    public LoginResult login(String user, String device, String password, String remote) {
        Address address;
        try {
            address = new Address(user, Integer.parseInt(device == null ? "0" : device));
        } catch (IllegalArgumentException e) {
            return LoginResult.refused(Failure.MALFORMED, "user must be 1-20 digits and device 0-255");
        }
        if (password == null || password.length() > MAX_PASSWORD_LENGTH) {
            return LoginResult.refused(Failure.MALFORMED, "missing or oversized password");
        }
        try {
            Optional<StoredCredential> stored = store.credential(address.user(), address.device());
            if (stored.isEmpty()) {
                hasher.burn(password);
            } else if (hasher.matches(password, stored.get())) {
                return LoginResult.ok(address);
            }
            LOG.info("Refused login of {} from {}", address, remote);
            return LoginResult.refused(Failure.NOT_AUTHORIZED, "wrong user, device or password");
        } catch (StoreException e) {
            LOG.warn("Account store unavailable for login of {}: {}", address, e.getMessage());
            return LoginResult.refused(Failure.UNAVAILABLE, "service unavailable, retry");
        }
    }

    @Override
    public void register(String user, String password) throws AccountException {
        if (!Address.isUserId(user)) {
            throw new AccountException(Reason.MALFORMED_ID, "a user id is 1 to 20 digits, got '" + user + "'");
        }
        if (password == null || password.length() < minPasswordLength || password.length() > MAX_PASSWORD_LENGTH) {
            throw new AccountException(Reason.WEAK_PASSWORD,
                    "a password is " + minPasswordLength + " to " + MAX_PASSWORD_LENGTH + " characters");
        }
        try {
            if (!store.createAccount(user, hasher.hash(password))) {
                throw new AccountException(Reason.DUPLICATE, "account " + user + " already exists");
            }
        } catch (StoreException e) {
            throw new AccountException(Reason.UNAVAILABLE, "account store unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public long accountCount() throws AccountException {
        try {
            return store.accountCount();
        } catch (StoreException e) {
            throw new AccountException(Reason.UNAVAILABLE, "account store unavailable: " + e.getMessage(), e);
        }
    }
}
