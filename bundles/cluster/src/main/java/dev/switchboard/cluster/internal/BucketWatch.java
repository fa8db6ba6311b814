package dev.switchboard.cluster.internal;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch of a whole bucket: every entry it holds, then the end of what it held, then each change,
 * in revision order on the NATS client's thread. Ends quietly (a connection already closed ended it).
 */
final class BucketWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BucketWatch.class);
    private final NatsKeyValueWatchSubscription subscription;

    private BucketWatch(NatsKeyValueWatchSubscription subscription) {
        this.subscription = subscription;
    }

    static BucketWatch of(KeyValue bucket, Consumer<KeyValueEntry> onEntry, Runnable onLoaded) throws Exception {
        return new BucketWatch(bucket.watchAll(new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry e) {
                onEntry.accept(e);
            }

            @Override
            public void endOfData() {
                onLoaded.run();
            }
        }));
    }

    @Override
    public void close() {
        try {
            subscription.unsubscribe();
        } catch (RuntimeException e) {
            LOG.debug("watch of {} already gone", subscription, e);
        }
    }
}
