package io.caravan.core;

import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;

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

    /**
     * What a route's {@code transacted} step uses (Camel looks a policy up by this name): a transaction of the hub's
     * DataSource, joined by every JdbcTemplate, {@code sql:} and {@code telegram-gate:} step on the same thread.
     */
    @Bean(name = "PROPAGATION_REQUIRED")
    SpringTransactionPolicy propagationRequired(PlatformTransactionManager transactions) {
        SpringTransactionPolicy policy = new SpringTransactionPolicy(transactions);
        policy.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        return policy;
    }
}
