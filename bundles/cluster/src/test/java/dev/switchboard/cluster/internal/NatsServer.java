package dev.switchboard.cluster.internal;

import static org.junit.jupiter.api.Assertions.fail;

import io.nats.client.Connection;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * The NATS (with JetStream) the tests run against: {@code SB_NATS_URL}, default
 * nats://127.0.0.1:4222. Unreachable: under CI ({@code CI=true}) the tests fail; elsewhere they
 * are skipped, loudly. Each test gets buckets of its own prefix, removed afterwards.
 */
final class NatsServer {

    static final String URL = System.getenv().getOrDefault("SB_NATS_URL", "nats://127.0.0.1:4222");

    private NatsServer() {
    }

    static NatsLink link(String name) throws Exception {
        try {
            return NatsLink.open(URL, name);
        } catch (java.io.IOException e) {
            String message = "NATS at " + URL + " is unreachable (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + ": under CI the cluster tests must run");
            }
            System.err.println("\n*** SKIPPING cluster tests: " + message + " ***\n");
            Assumptions.abort(message);
            return null;
        }
    }

    static String freshPrefix() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Deletes the buckets of a test's prefix. */
    static void dropBuckets(String prefix) throws Exception {
        try (Connection c = Nats.connect(new Options.Builder().server(URL).connectionTimeout(Duration.ofSeconds(2)).build())) {
            KeyValueManagement kvm = c.keyValueManagement();
            for (String name : kvm.getBucketNames()) {
                if (name.startsWith(prefix + "-")) {
                    kvm.delete(name);
                }
            }
        }
    }

    /** Waits for a condition that another node's update makes true: bounded, failing with the message. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 10 s: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
