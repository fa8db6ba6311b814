package dev.switchboard.store.sql.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Where the SQL store lives. Empty URL: the embedded H2 file database under {@code <home>/data}. */
@ObjectClassDefinition(name = "Switchboard SQL store", description = "The database behind accounts and devices.")
public @interface StoreConfiguration {

    @AttributeDefinition(description = "JDBC URL; empty for the embedded H2 database under <switchboard.home>/data")
    String url() default "";

    @AttributeDefinition(description = "Database user")
    String user() default "sa";

    @AttributeDefinition(description = "Database password", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Largest number of pooled connections", min = "1", max = "1000")
    int maxConnections() default 16;
}
