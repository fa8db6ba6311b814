package dev.switchboard.journal.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Switchboard message journal", description = "The offline store's durable tier on the local disk")
public @interface JournalConfiguration {

    @AttributeDefinition(description = "Directory of the log; empty: data/journal under the server's home")
    String directory() default "";

    @AttributeDefinition(description = "A segment file is closed for writing past this size (MiB)")
    int segmentMegabytes() default 64;

    @AttributeDefinition(description = "Force every batch to the disk before it counts as written: survives a power"
            + " loss, not only a crash of the server (costs one fsync per group commit)")
    boolean fsync() default true;
}
