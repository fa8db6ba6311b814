package dev.switchboard.media.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Where blobs live, how big they may be, how long they are kept, and the upload tokens. */
@ObjectClassDefinition(name = "Switchboard media")
public @interface MediaConfiguration {

    @AttributeDefinition(description = "Folder of the blobs; relative to switchboard.home unless absolute")
    String directory() default "data/media";

    @AttributeDefinition(description = "Largest upload in bytes (beyond it: 413)", min = "1")
    long maxBytes() default 100L << 20;

    @AttributeDefinition(description = "Bytes of blobs one account may have uploaded (beyond it: 507)", min = "1")
    long quotaBytes() default 10L << 30;

    @AttributeDefinition(description = "Days a blob is kept after it was uploaded or a message last referred to it", min = "1")
    int retentionDays() default 30;

    @AttributeDefinition(description = "Hours an uploaded blob no message ever referred to is kept", min = "1")
    int unreferencedHours() default 24;

    @AttributeDefinition(description = "Minutes a media token is valid", min = "1")
    int tokenMinutes() default 10;

    @AttributeDefinition(description = "Base URL clients reach the media endpoint at; empty: http://127.0.0.1:<HTTP port>/media")
    String publicUrl() default "";

    /** Short: a store.sql swap restarts media too, and the transport's grace (10 s) covers the whole swap. */
    @AttributeDefinition(description = "Seconds a swap waits for transfers in progress before closing them", min = "0")
    int drainSeconds() default 3;
}
