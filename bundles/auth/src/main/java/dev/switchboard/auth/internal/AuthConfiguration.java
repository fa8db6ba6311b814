package dev.switchboard.auth.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** How passwords are hashed and what is accepted as one. */
@ObjectClassDefinition(name = "Switchboard authentication")
public @interface AuthConfiguration {

    @AttributeDefinition(description = "PBKDF2 iterations for new password hashes", min = "1000")
    int iterations() default 10_000;

    @AttributeDefinition(description = "Shortest password accepted", min = "1")
    int minPasswordLength() default 6;
}
