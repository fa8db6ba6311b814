package dev.switchboard.routing.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** How routing work is spread. */
@ObjectClassDefinition(name = "Switchboard routing")
public @interface RoutingConfiguration {

    @AttributeDefinition(description = "Parallel lanes; one recipient's stanzas always take the same lane. 0 = number of cores", min = "0", max = "1024")
    int lanes() default 0;

    @AttributeDefinition(description = "Seconds deactivation waits for queued work to finish", min = "1")
    int drainSeconds() default 30;
}
