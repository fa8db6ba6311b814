package dev.switchboard.store.sql.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Where the SQL store lives. Empty URL: the embedded H2 file database under
 * {@code <switchboard.home>/data}. MariaDB: {@code jdbc:mariadb://host:3306/db}. Environment
 * variables {@code SB_DB_URL}, {@code SB_DB_USER} and {@code SB_DB_PASSWORD} override these.
 */
@ObjectClassDefinition(name = "Switchboard SQL store", description = "The database behind accounts and devices.")
public @interface StoreConfiguration {

    @AttributeDefinition(description = "JDBC URL (jdbc:h2:... or jdbc:mariadb://...); empty for the embedded H2 database")
    String url() default "";

    @AttributeDefinition(description = "Database user")
    String user() default "";

    @AttributeDefinition(description = "Database password", type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Largest number of pooled connections", min = "1", max = "1000")
    int maxConnections() default 16;

    @AttributeDefinition(description = "Milliseconds to wait for a connection before an operation fails as unavailable", min = "250")
    long connectionTimeoutMs() default 2000;
}
