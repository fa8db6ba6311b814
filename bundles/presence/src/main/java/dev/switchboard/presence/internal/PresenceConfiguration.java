package dev.switchboard.presence.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Limits and cache of the presence bundle. */
@ObjectClassDefinition(name = "Switchboard presence")
public @interface PresenceConfiguration {

    @AttributeDefinition(description = "Accounts one device may watch at once", min = "1")
    int maxSubscriptionsPerDevice() default 5_000;

    @AttributeDefinition(description = "Accounts whose visibility, contacts and last-seen time are kept in memory", min = "1")
    int cacheEntries() default 100_000;

    @AttributeDefinition(description = "Contacts one account may have, and unanswered subscription requests it may hold", min = "1")
    int maxContacts() default 10_000;
}
