package io.caravan.core;

import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The hub's own schema on every connection, and a database health check that answers within seconds. */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    @Bean
    static SchemaSearchPath schemaSearchPath(Environment environment) {
        return new SchemaSearchPath(environment);
    }

    /** Named so Spring Boot's pool-borrowing {@code db} check steps aside; readiness includes it as {@code db}. */
    @Bean(name = "dbHealthIndicator")
    DatabaseHealth dbHealthIndicator(DataSourceProperties datasource) {
        return new DatabaseHealth(datasource.determineUrl(), datasource.determineUsername(), datasource.determinePassword());
    }
}
