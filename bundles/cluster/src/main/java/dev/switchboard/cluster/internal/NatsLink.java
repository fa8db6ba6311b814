package dev.switchboard.cluster.internal;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's connection to NATS and its key-value buckets. The client reconnects by itself for as
 * long as the node runs; whoever keeps state in NATS is told when the link comes back, to write it
 * again (a restarted NATS may have lost what it had not stored).
 */
final class NatsLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatsLink.class);

    private final Connection connection;
    private final List<Runnable> onReconnect = new CopyOnWriteArrayList<>();

    private NatsLink(Connection connection) {
        this.connection = connection;
    }

    /** Connects, or fails with a message naming the servers; a node configured for a cluster does not run alone. */
    static NatsLink open(String urls, String name) throws IOException, InterruptedException {
        NatsLink[] self = new NatsLink[1];
        AtomicBoolean down = new AtomicBoolean();
        ConnectionListener events = (conn, event) -> {
            switch (event) {
                case DISCONNECTED -> {
                    if (down.compareAndSet(false, true)) { // once per outage, not once per reconnect attempt
                        LOG.warn("NATS link lost; reconnecting");
                    }
                }
                case RECONNECTED -> {
                    down.set(false);
                    LOG.info("NATS link back ({})", conn.getConnectedUrl());
                    NatsLink link = self[0];
                    if (link != null) {
                        link.onReconnect.forEach(Runnable::run);
                    }
                }
                default -> LOG.debug("NATS {}", event);
            }
        };
        Options options = new Options.Builder()
                .servers(urls.split("\\s*,\\s*"))
                .connectionName(name)
                .connectionTimeout(Duration.ofSeconds(2))
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionListener(events)
                .errorListener(new io.nats.client.ErrorListener() {
                })
                .build();
        try {
            self[0] = new NatsLink(Nats.connect(options));
        } catch (IOException e) {
            throw new IOException("cannot reach NATS at " + urls + " (" + e.getMessage()
                    + "): start it, or remove etc/dev.switchboard.cluster.cfg to run this node alone", e);
        }
        return self[0];
    }

    Connection connection() {
        return connection;
    }

    boolean connected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    void onReconnect(Runnable action) {
        onReconnect.add(action);
    }

    /**
     * A bucket of one value per key, created when missing (by whichever node comes first), on file
     * so that a restarted NATS still has it.
     */
    KeyValue bucket(String name, String description) throws IOException, JetStreamApiException {
        KeyValueManagement kvm = connection.keyValueManagement();
        if (!kvm.getBucketNames().contains(name)) {
            try {
                kvm.create(KeyValueConfiguration.builder().name(name).description(description)
                        .maxHistoryPerKey(1).storageType(StorageType.File).build());
            } catch (JetStreamApiException e) {
                if (!kvm.getBucketNames().contains(name)) {
                    throw e; // not another node's creation racing ours
                }
            }
        }
        return connection.keyValue(name);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
