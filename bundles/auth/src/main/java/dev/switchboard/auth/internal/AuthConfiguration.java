package dev.switchboard.auth.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Credentials, tokens, throttling and caching of the authenticator. */
@ObjectClassDefinition(name = "Switchboard authentication")
public @interface AuthConfiguration {

    @AttributeDefinition(description = "PBKDF2 iterations for credentials the server derives, and the least accepted from clients", min = "4096")
    int iterations() default 4096;

    @AttributeDefinition(description = "Shortest password accepted by the shell", min = "1")
    int minPasswordLength() default 8;

    @AttributeDefinition(description = "Whether clients may register accounts themselves")
    boolean clientRegistration() default true;

    @AttributeDefinition(description = "Lifetime of a resume token, in hours", min = "1")
    int tokenHours() default 720;

    @AttributeDefinition(description = "Failed logins an account may have before it is throttled", min = "1")
    int accountFailures() default 5;

    @AttributeDefinition(description = "Failed logins a source address may have before it is throttled", min = "1")
    int addressFailures() default 100;

    @AttributeDefinition(description = "First lockout after the allowance, in milliseconds; doubles with each further failure", min = "100")
    long lockoutMs() default 1000;

    @AttributeDefinition(description = "Accounts whose credentials and device lists the in-memory cache keeps", min = "0")
    int cacheEntries() default 10_000;
}
