package dev.switchboard.client.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.ReusedBaseKeyException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.groups.state.SenderKeyRecord;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * libsignal's state for one device, in files under its directory: its identity key pair and
 * registration id, its prekeys, its sessions and the identities it has seen, its sender keys. The
 * directory is the owner's only (0700) and every file 0600, written whole to a temporary file and
 * moved into place, so a crash leaves the old record or the new one, never half of one.
 *
 * <p>Identities are trusted on first use; a changed one is saved (and reported, see
 * {@link #saveIdentity}) so that the caller can show it before it sends.
 */
final class ProtocolFiles implements SignalProtocolStore {

    private final PrivateFiles files;
    private final IdentityKeyPair identity;
    private final int registrationId;

    /** Opens the device's state, creating an identity on first use. */
    static ProtocolFiles open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path file = dir.resolve("identity");
        if (!Files.exists(file)) {
            IdentityKeyPair pair = IdentityKeyPair.generate();
            int registrationId = 1 + new SecureRandom().nextInt(16380); // libsignal's 14-bit range, never 0
            byte[] keys = pair.serialize();
            PrivateFiles.write(file, ByteBuffer.allocate(4 + keys.length).putInt(registrationId).put(keys).array());
        }
        byte[] stored = Files.readAllBytes(file);
        try {
            ByteBuffer in = ByteBuffer.wrap(stored);
            int registrationId = in.getInt();
            byte[] keys = new byte[in.remaining()];
            in.get(keys);
            return new ProtocolFiles(dir, new IdentityKeyPair(keys), registrationId);
        } catch (InvalidKeyException | RuntimeException e) {
            throw new IOException(file + " is not an identity this client wrote; move it away to start a new identity", e);
        }
    }

    private ProtocolFiles(Path dir, IdentityKeyPair identity, int registrationId) {
        this.files = new PrivateFiles(dir);
        this.identity = identity;
        this.registrationId = registrationId;
    }



    private static String name(SignalProtocolAddress a) {
        return a.getName() + "." + a.getDeviceId();
    }





    // --- identity

    @Override
    public IdentityKeyPair getIdentityKeyPair() {
        return identity;
    }

    @Override
    public int getLocalRegistrationId() {
        return registrationId;
    }

    @Override
    public synchronized IdentityChange saveIdentity(SignalProtocolAddress address, IdentityKey key) {
        IdentityKey old = getIdentity(address);
        files.put("identities", name(address), key.serialize());
        return old != null && !old.equals(key) ? IdentityChange.REPLACED_EXISTING : IdentityChange.NEW_OR_UNCHANGED;
    }

    /** Trust on first use; a changed key is trusted too, once the caller has been told (see EncryptedClient). */
    @Override
    public boolean isTrustedIdentity(SignalProtocolAddress address, IdentityKey key, Direction direction) {
        return true;
    }

    @Override
    public synchronized IdentityKey getIdentity(SignalProtocolAddress address) {
        byte[] b = files.read("identities", name(address));
        try {
            return b == null ? null : new IdentityKey(b);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("corrupt identity file for " + address, e);
        }
    }

    // --- one-time prekeys

    @Override
    public synchronized PreKeyRecord loadPreKey(int id) throws InvalidKeyIdException {
        byte[] b = files.read("prekeys", Integer.toString(id));
        if (b == null) {
            throw new InvalidKeyIdException("no prekey " + id);
        }
        try {
            return new PreKeyRecord(b);
        } catch (InvalidMessageException e) {
            throw new InvalidKeyIdException(e);
        }
    }

    @Override
    public synchronized void storePreKey(int id, PreKeyRecord record) {
        files.put("prekeys", Integer.toString(id), record.serialize());
    }

    @Override
    public synchronized boolean containsPreKey(int id) {
        return Files.exists(files.file("prekeys", Integer.toString(id)));
    }

    @Override
    public synchronized void removePreKey(int id) {
        files.remove("prekeys", Integer.toString(id));
    }

    /** The highest one-time prekey id stored or ever used here (ids are never reused). */
    synchronized int lastPreKeyId() {
        byte[] b = files.read("counters", "prekey");
        return b == null ? 0 : ByteBuffer.wrap(b).getInt();
    }

    synchronized void setLastPreKeyId(int id) {
        files.put("counters", "prekey", ByteBuffer.allocate(4).putInt(id).array());
    }

    // --- signed prekeys

    @Override
    public synchronized SignedPreKeyRecord loadSignedPreKey(int id) throws InvalidKeyIdException {
        byte[] b = files.read("signed", Integer.toString(id));
        if (b == null) {
            throw new InvalidKeyIdException("no signed prekey " + id);
        }
        try {
            return new SignedPreKeyRecord(b);
        } catch (InvalidMessageException e) {
            throw new InvalidKeyIdException(e);
        }
    }

    @Override
    public synchronized List<SignedPreKeyRecord> loadSignedPreKeys() {
        List<SignedPreKeyRecord> out = new ArrayList<>();
        for (String n : files.names("signed")) {
            try {
                out.add(loadSignedPreKey(Integer.parseInt(n)));
            } catch (InvalidKeyIdException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    @Override
    public synchronized void storeSignedPreKey(int id, SignedPreKeyRecord record) {
        files.put("signed", Integer.toString(id), record.serialize());
    }

    @Override
    public synchronized boolean containsSignedPreKey(int id) {
        return Files.exists(files.file("signed", Integer.toString(id)));
    }

    @Override
    public synchronized void removeSignedPreKey(int id) {
        files.remove("signed", Integer.toString(id));
    }

    // --- Kyber prekeys (this client uploads a last-resort one: kept after use, each base key once)

    @Override
    public synchronized KyberPreKeyRecord loadKyberPreKey(int id) throws InvalidKeyIdException {
        byte[] b = files.read("kyber", Integer.toString(id));
        if (b == null) {
            throw new InvalidKeyIdException("no Kyber prekey " + id);
        }
        try {
            return new KyberPreKeyRecord(b);
        } catch (InvalidMessageException e) {
            throw new InvalidKeyIdException(e);
        }
    }

    @Override
    public synchronized List<KyberPreKeyRecord> loadKyberPreKeys() {
        List<KyberPreKeyRecord> out = new ArrayList<>();
        for (String n : files.names("kyber")) {
            try {
                out.add(loadKyberPreKey(Integer.parseInt(n)));
            } catch (InvalidKeyIdException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    @Override
    public synchronized void storeKyberPreKey(int id, KyberPreKeyRecord record) {
        files.put("kyber", Integer.toString(id), record.serialize());
    }

    @Override
    public synchronized boolean containsKyberPreKey(int id) {
        return Files.exists(files.file("kyber", Integer.toString(id)));
    }

    /** A last-resort key may start many sessions, but never twice from the same base key (a replay). */
    @Override
    public synchronized void markKyberPreKeyUsed(int id, int signedPreKeyId, ECPublicKey baseKey) throws ReusedBaseKeyException {
        String use = id + "-" + signedPreKeyId + "-" + HexFormat.of().formatHex(baseKey.serialize());
        if (Files.exists(files.file("kyber-used", use))) {
            throw new ReusedBaseKeyException("Kyber prekey " + id + " already used with this base key");
        }
        files.put("kyber-used", use, new byte[0]);
    }

    // --- sessions

    @Override
    public synchronized SessionRecord loadSession(SignalProtocolAddress address) {
        byte[] b = files.read("sessions", name(address));
        try {
            return b == null ? new SessionRecord() : new SessionRecord(b);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("corrupt session with " + address, e);
        }
    }

    @Override
    public synchronized List<SessionRecord> loadExistingSessions(List<SignalProtocolAddress> addresses) throws NoSessionException {
        List<SessionRecord> out = new ArrayList<>();
        for (SignalProtocolAddress a : addresses) {
            if (!containsSession(a)) {
                throw new NoSessionException("no session with " + a);
            }
            out.add(loadSession(a));
        }
        return out;
    }

    /** libsignal's "sub-devices": every device but the default one (libsignal id 1, Switchboard's device 0). */
    @Override
    public synchronized List<Integer> getSubDeviceSessions(String name) {
        return sessionDevices(name).stream().filter(d -> d != 1).toList();
    }

    /** The devices of an account this device has sessions with, by libsignal device id. */
    synchronized List<Integer> sessionDevices(String name) {
        List<Integer> out = new ArrayList<>();
        for (String n : files.names("sessions")) {
            int dot = n.lastIndexOf('.');
            if (n.substring(0, dot).equals(name)) {
                out.add(Integer.parseInt(n.substring(dot + 1)));
            }
        }
        return out;
    }

    @Override
    public synchronized void storeSession(SignalProtocolAddress address, SessionRecord record) {
        files.put("sessions", name(address), record.serialize());
    }

    @Override
    public synchronized boolean containsSession(SignalProtocolAddress address) {
        byte[] b = files.read("sessions", name(address));
        try {
            return b != null && new SessionRecord(b).hasSenderChain();
        } catch (InvalidMessageException e) {
            return false;
        }
    }

    @Override
    public synchronized void deleteSession(SignalProtocolAddress address) {
        files.remove("sessions", name(address));
    }

    @Override
    public synchronized void deleteAllSessions(String name) {
        for (int device : sessionDevices(name)) {
            files.remove("sessions", name + "." + device);
        }
    }

    // --- sender keys (groups)

    @Override
    public synchronized void storeSenderKey(SignalProtocolAddress sender, UUID distributionId, SenderKeyRecord record) {
        files.put("senderkeys", name(sender) + "." + distributionId, record.serialize());
    }

    @Override
    public synchronized SenderKeyRecord loadSenderKey(SignalProtocolAddress sender, UUID distributionId) {
        byte[] b = files.read("senderkeys", name(sender) + "." + distributionId);
        try {
            return b == null ? null : new SenderKeyRecord(b);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("corrupt sender key of " + sender, e);
        }
    }

    /** Small markers kept beside the records (which member devices have this device's sender key, ...). */
    synchronized boolean hasMark(String kind, String name) {
        return Files.exists(files.file(kind, name));
    }

    synchronized void mark(String kind, String name) {
        files.put(kind, name, new byte[0]);
    }

    synchronized void unmarkAll(String kind, String prefix) {
        for (String n : files.names(kind)) {
            if (n.startsWith(prefix)) {
                files.remove(kind, n);
            }
        }
    }
}
