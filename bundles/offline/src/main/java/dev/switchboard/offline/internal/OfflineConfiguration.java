package dev.switchboard.offline.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Retention, limits, hot tier and group commit of the offline queues. */
@ObjectClassDefinition(name = "Switchboard offline store")
public @interface OfflineConfiguration {

    @AttributeDefinition(description = "Days an undelivered message is kept", min = "1")
    int retentionDays() default 30;

    @AttributeDefinition(description = "Messages one device's queue may hold", min = "1")
    int maxMessagesPerDevice() default 100_000;

    @AttributeDefinition(description = "Bytes one device's queue may hold", min = "1024")
    long maxBytesPerDevice() default 256L << 20;

    @AttributeDefinition(description = "Written messages kept in memory (the hot tier), and messages read back from the"
            + " journal kept for a device that reads its queue again", min = "0")
    int hotEntries() default 200_000;

    @AttributeDefinition(description = "Megabytes of written messages kept in memory at most (the hot tier)", min = "0")
    int hotMegabytes() default 256;

    @AttributeDefinition(description = "Seconds a message read back from the journal stays cached", min = "1")
    int hotSeconds() default 60;

    @AttributeDefinition(description = "Milliseconds a queued message may wait for its device's confirmation before it is written to the journal; 0 writes at once", min = "0")
    int persistDelayMs() default 50;

    @AttributeDefinition(description = "Most messages written in one durable commit", min = "1")
    int maxBatch() default 2000;

    @AttributeDefinition(description = "Minutes a sender's message id is remembered to recognise resends", min = "1")
    int duplicateMinutes() default 1440;

    @AttributeDefinition(description = "Most message ids remembered to recognise resends (oldest forgotten first)", min = "1")
    int duplicateEntries() default 200_000;

    @AttributeDefinition(name = "journal.target", description = "Which durable tier holds the queues: (journal=log), the"
            + " append-only log on the local disk (default), or (journal=sql), the message table of the database")
    String journal_target() default "(journal=log)";

    @AttributeDefinition(description = "Sequence numbers reserved in the journal at a time; the unused rest of a block is skipped after a restart", min = "1")
    int sequenceBlock() default 10_000;
}
