package dev.switchboard.auth.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountException.Reason;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.auth.DeviceListener;
import dev.switchboard.api.auth.DeviceListener.Change;
import dev.switchboard.api.auth.CredentialData;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/** Account administration over the store, keeping the credential cache and live sessions in step. */
final class Accounts implements AccountService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Accounts.class);

    private static final int MAX_PASSWORD_LENGTH = 1024;

    private final AccountStore store;
    private final CredentialCache cache;
    private final Supplier<SessionDirectory> sessions;
    private final Supplier<List<DeviceListener>> listeners;
    private final int iterations;
    private final int minPasswordLength;

    Accounts(AccountStore store, CredentialCache cache, Supplier<SessionDirectory> sessions,
             Supplier<List<DeviceListener>> listeners, int iterations, int minPasswordLength) {
        this.store = store;
        this.cache = cache;
        this.sessions = sessions;
        this.listeners = listeners;
        this.iterations = iterations;
        this.minPasswordLength = minPasswordLength;
    }

    @Override
    public void register(String user, String password) throws AccountException {
        checkUser(user);
        create(user, Scram.credential(checkPassword(password), iterations));
    }

    @Override
    public void register(String user, CredentialData credential) throws AccountException {
        checkUser(user);
        create(user, decode(credential));
    }

    private void create(String user, StoredCredential credential) throws AccountException {
        if (!unavailableIfFails(() -> store.createAccount(user, credential))) {
            throw new AccountException(Reason.DUPLICATE, "account " + user + " already exists");
        }
        cache.invalidate(new Address(user, 0));
    }

    @Override
    public void linkDevice(Address device, String password) throws AccountException {
        link(device, Scram.credential(checkPassword(password), iterations));
    }

    @Override
    public void linkDevice(Address device, CredentialData credential) throws AccountException {
        link(device, decode(credential));
    }

    private void link(Address device, StoredCredential credential) throws AccountException {
        if (device.device() == 0) {
            throw new AccountException(Reason.MALFORMED_ID, "device 0 is the primary device; link 1-255");
        }
        switch (unavailableIfFails(() -> store.addDevice(device, credential, MAX_DEVICES))) {
            case ADDED -> {
                cache.invalidate(device);
                tell(device, Change.LINKED);
            }
            case EXISTS -> throw new AccountException(Reason.DEVICE_EXISTS, "device " + device + " is already linked");
            case LIMIT -> throw new AccountException(Reason.DEVICE_LIMIT,
                    "account " + device.user() + " already has " + MAX_DEVICES + " devices; unlink one first");
            case NO_ACCOUNT -> throw new AccountException(Reason.UNKNOWN, "no account " + device.user());
        }
    }

    @Override
    public void unlinkDevice(Address device) throws AccountException {
        if (device.device() == 0) {
            throw new AccountException(Reason.FORBIDDEN, "the primary device cannot be unlinked; delete the account");
        }
        if (!unavailableIfFails(() -> store.removeDevice(device))) {
            throw new AccountException(Reason.UNKNOWN_DEVICE, "no device " + device);
        }
        cache.invalidate(device);
        closeSession(device, "device unlinked");
        tell(device, Change.UNLINKED);
    }

    @Override
    public void changePassword(Address device, String password) throws AccountException {
        replace(device, Scram.credential(checkPassword(password), iterations));
    }

    @Override
    public void changePassword(Address device, CredentialData credential) throws AccountException {
        replace(device, decode(credential));
    }

    private void replace(Address device, StoredCredential credential) throws AccountException {
        if (!unavailableIfFails(() -> store.updateCredential(device, credential))) {
            throw new AccountException(Reason.UNKNOWN_DEVICE, "no device " + device);
        }
        cache.invalidate(device);
        unavailableIfFails(() -> store.revokeTokens(device));
    }

    @Override
    public void deleteAccount(String user) throws AccountException {
        checkUser(user);
        List<DeviceRecord> devices = devices(user);
        if (!unavailableIfFails(() -> store.deleteAccount(user))) {
            throw new AccountException(Reason.UNKNOWN, "no account " + user);
        }
        cache.invalidateUser(user);
        for (DeviceRecord d : devices) {
            closeSession(d.address(), "account deleted");
        }
        tell(new Address(user, 0), Change.ACCOUNT_DELETED);
    }

    /** Tells the device listeners of a stored change; one that fails is logged and the others are still told. */
    private void tell(Address device, Change change) {
        for (DeviceListener l : listeners.get()) {
            try {
                l.devicesChanged(device, change);
            } catch (RuntimeException e) {
                LOG.warn("A device listener failed on {} {}: {}", change, device, e.toString());
            }
        }
    }

    @Override
    public List<DeviceRecord> devices(String user) throws AccountException {
        checkUser(user);
        return unavailableIfFails(() -> cache.devices(user));
    }

    @Override
    public long accountCount() throws AccountException {
        return unavailableIfFails(store::accountCount);
    }

    private void closeSession(Address device, String reason) {
        SessionDirectory d = sessions.get();
        if (d != null) {
            d.close(device, reason);
        }
    }

    private static void checkUser(String user) throws AccountException {
        if (!Address.isUserId(user)) {
            throw new AccountException(Reason.MALFORMED_ID, "a user id is 1 to 20 digits, got '" + user + "'");
        }
    }

    private String checkPassword(String password) throws AccountException {
        if (password == null || password.length() < minPasswordLength || password.length() > MAX_PASSWORD_LENGTH) {
            throw new AccountException(Reason.WEAK_PASSWORD,
                    "a password is " + minPasswordLength + " to " + MAX_PASSWORD_LENGTH + " characters");
        }
        return password;
    }

    /** Turns a client-derived credential into a stored one, refusing anything malformed or too weak. */
    StoredCredential decode(CredentialData c) throws AccountException {
        if (c == null || !Scram.MECHANISM.equals(c.mechanism())) {
            throw new AccountException(Reason.WEAK_PASSWORD, "credential mechanism must be " + Scram.MECHANISM);
        }
        if (c.iterations() < iterations || c.iterations() > 10_000_000) {
            throw new AccountException(Reason.WEAK_PASSWORD, "credential needs at least " + iterations + " iterations");
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] salt = b64.decode(c.salt());
            byte[] storedKey = b64.decode(c.storedKey());
            byte[] serverKey = b64.decode(c.serverKey());
            if (salt.length < 16 || salt.length > 64 || storedKey.length != Scram.KEY_BYTES
                    || serverKey.length != Scram.KEY_BYTES) {
                throw new AccountException(Reason.WEAK_PASSWORD,
                        "credential needs a 16-64 byte salt and 32-byte stored and server keys");
            }
            return new StoredCredential(Scram.MECHANISM, c.iterations(), salt, storedKey, serverKey);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new AccountException(Reason.WEAK_PASSWORD, "credential fields must be base64");
        }
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T call() throws StoreException;
    }

    private static <T> T unavailableIfFails(StoreCall<T> call) throws AccountException {
        try {
            return call.call();
        } catch (StoreException e) {
            throw new AccountException(Reason.UNAVAILABLE, "service unavailable, retry (" + e.getMessage() + ")", e);
        }
    }
}
