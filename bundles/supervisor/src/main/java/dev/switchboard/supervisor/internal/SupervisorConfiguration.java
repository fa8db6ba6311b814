package dev.switchboard.supervisor.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Restart intensity (OTP's MaxR in MaxT) and how often the components are looked at. */
@ObjectClassDefinition(name = "Switchboard supervisor")
public @interface SupervisorConfiguration {

    @AttributeDefinition(description = "Restarts of one component allowed within periodSeconds before escalating", min = "0")
    int maxRestarts() default 3;

    @AttributeDefinition(description = "The window of the restart intensity, in seconds", min = "1")
    int periodSeconds() default 60;

    @AttributeDefinition(description = "Milliseconds between looks at the components' states", min = "50")
    int checkMillis() default 500;

    @AttributeDefinition(description = "Per-component intensity overrides: component-name=maxRestarts/periodSeconds")
    String[] overrides() default {};
}
