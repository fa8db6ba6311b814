package dev.switchboard.client.e2e;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;

/**
 * Group messages with sender keys: each member's devices get this device's sender key pairwise
 * (once; again after their devices change, see {@link EncryptedClient#onNotification}), then each
 * message is one sender-key ciphertext the server fans out. Which members have the key is kept as
 * {@code skdm} marks beside the sessions.
 */
final class GroupMessages {

    private final EncryptedClient client;

    GroupMessages(EncryptedClient client) {
        this.client = client;
    }

    Node send(String group, String id, String text) throws IOException, ClientException {
        ProtocolFiles store = client.store();
        UUID distribution = UUID.nameUUIDFromBytes((group + "/" + client.self()).getBytes(StandardCharsets.UTF_8));
        Node info = client.connection().groupInfo(group);
        SenderKeyDistributionMessage skdm;
        synchronized (client.crypto()) {
            skdm = new GroupSessionBuilder(store).create(client.selfSignal(), distribution);
        }
        int n = 0;
        for (String member : String.valueOf(info.attr("members")).split(",")) {
            if (!store.hasMark("skdm", member + "." + distribution)) {
                Node ack = client.send(member, id + ".k" + n++, Envelope.senderKey(group, skdm.serialize()), Map.of());
                if (ack.attr("error") != null && !"no-keys".equals(ack.attr("error"))) {
                    throw new ClientException(ack.attr("error"), "could not hand the group key to " + member + ": " + ack.attr("text"));
                }
                store.mark("skdm", member + "." + distribution);
            }
        }
        try {
            CiphertextMessage m;
            synchronized (client.crypto()) {
                m = new GroupCipher(store, client.selfSignal()).encrypt(distribution,
                        Envelope.text(text.getBytes(StandardCharsets.UTF_8)).encode());
            }
            return client.sendAndAwait(new Node("message", Map.of("to", group, "id", id, "e2e", "1", "type", "skmsg"), List.of(),
                    m.serialize()));
        } catch (NoSessionException e) {
            throw new ClientException("no-session", "no sender key for " + group + ": " + e.getMessage());
        }
    }
}
