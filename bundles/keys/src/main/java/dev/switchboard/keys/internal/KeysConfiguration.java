package dev.switchboard.keys.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Limits of the key directory. */
@ObjectClassDefinition(name = "Switchboard keys")
public @interface KeysConfiguration {

    @AttributeDefinition(description = "Key bundle fetches one requesting device may make in a burst", min = "1")
    int fetchBurst() default 30;

    @AttributeDefinition(description = "Key bundle fetches a requesting device regains per minute", min = "1")
    int fetchesPerMinute() default 120;

    @AttributeDefinition(description = "One-time prekeys one upload may carry", min = "1")
    int maxPreKeysPerUpload() default 200;

    @AttributeDefinition(description = "One-time prekeys of each kind a device may hold", min = "1")
    int maxPreKeys() default 2000;

    @AttributeDefinition(description = "Below this many one-time prekeys the device is told to upload more", min = "0")
    int lowWater() default 10;

    @AttributeDefinition(description = "Bytes a signed device list may have", min = "1")
    int maxDeviceListBytes() default 8192;

    @AttributeDefinition(description = "Accounts whose devices-with-keys the in-memory cache keeps (the router asks for each encrypted message)",
            min = "1")
    int cacheEntries() default 10_000;
}
