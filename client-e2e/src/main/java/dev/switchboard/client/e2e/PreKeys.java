package dev.switchboard.client.e2e;

import java.util.ArrayList;
import java.util.List;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/** Makes this device's prekeys, keeping the private halves in its store before anything is uploaded. */
final class PreKeys {

    private static final int SIGNED_ID = 1;
    private static final int LAST_RESORT_ID = 1;

    private PreKeys() {
    }

    /** The signed prekey, made on first use. */
    static SignedPreKeyRecord signed(ProtocolFiles store) {
        try {
            return store.loadSignedPreKey(SIGNED_ID);
        } catch (InvalidKeyIdException none) {
            ECKeyPair pair = ECKeyPair.generate();
            byte[] signature = store.getIdentityKeyPair().getPrivateKey().calculateSignature(pair.getPublicKey().serialize());
            SignedPreKeyRecord record = new SignedPreKeyRecord(SIGNED_ID, System.currentTimeMillis(), pair, signature);
            store.storeSignedPreKey(SIGNED_ID, record);
            return record;
        }
    }

    /** The last-resort Kyber prekey (post-quantum; reused when no one-time key is left), made on first use. */
    static KyberPreKeyRecord lastResortKyber(ProtocolFiles store) {
        try {
            return store.loadKyberPreKey(LAST_RESORT_ID);
        } catch (InvalidKeyIdException none) {
            KEMKeyPair pair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
            byte[] signature = store.getIdentityKeyPair().getPrivateKey().calculateSignature(pair.getPublicKey().serialize());
            KyberPreKeyRecord record = new KyberPreKeyRecord(LAST_RESORT_ID, System.currentTimeMillis(), pair, signature);
            store.storeKyberPreKey(LAST_RESORT_ID, record);
            return record;
        }
    }

    /** {@code n} new one-time prekeys with ids never used before, stored. */
    static List<PreKeyRecord> oneTime(ProtocolFiles store, int n) {
        int first = store.lastPreKeyId() + 1;
        List<PreKeyRecord> out = new ArrayList<>(n);
        for (int id = first; id < first + n; id++) {
            PreKeyRecord record = new PreKeyRecord(id, ECKeyPair.generate());
            store.storePreKey(id, record);
            out.add(record);
        }
        store.setLastPreKeyId(first + n - 1);
        return out;
    }
}
