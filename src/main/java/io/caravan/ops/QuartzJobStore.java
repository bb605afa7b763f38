package io.caravan.ops;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.springframework.boot.autoconfigure.quartz.QuartzProperties;
import org.springframework.boot.autoconfigure.quartz.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Quartz's own JDBC job store ({@link JobStoreTX}) on the hub's DataSource, instead of Spring's
 * {@code LocalDataSourceJobStore}.
 *
 * <p>Spring's store expects every scheduler call to run inside the caller's Spring transaction. camel-quartz storing a
 * route's trigger, the hand-over and the jobs API call it outside one, so each statement committed on its own:
 * Quartz's cluster lock ({@code SELECT ... FOR UPDATE} on {@code qrtz_locks}) held for one statement, and a job and
 * its trigger were stored, replaced or deleted in several commits. A hub starting at such a moment found a job without
 * its trigger and failed its route's start ("Trigger could not be found in quartz scheduler"). {@code JobStoreTX}
 * runs each call in a transaction of its own under the lock, as Quartz is written for.
 *
 * <p>Its connections come from a provider registered in Quartz's JVM-wide {@link DBConnectionManager} under a name of
 * this hub's own: Spring registers its providers under the scheduler's name, which every hub of a cluster shares, so
 * two hubs in one JVM (the tests') ended up on the last one's pool.
 */
@Configuration(proxyBeanMethods = false)
class QuartzJobStore {

    @Bean
    SchedulerFactoryBeanCustomizer quartzJobStoreTx(DataSource dataSource, QuartzProperties quartz) {
        // Runs after Spring Boot's JDBC customizer; the scheduler keeps the DataSource Spring Boot gives it only for
        // start-up ordering (Flyway first), since SchedulerFactoryBean defaults the store class only where none is set.
        return factory -> factory.setQuartzProperties(properties(quartz.getProperties(), register(dataSource)));
    }

    /** Registers the hub's DataSource with Quartz under a new name, returned. */
    static String register(DataSource dataSource) {
        String name = "caravan-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(name, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // The pool is Spring's: it closes with the application context.
            }

            @Override
            public void initialize() {
            }
        });
        return name;
    }

    /** {@code spring.quartz.properties} with the job store set to {@link JobStoreTX} on the provider {@code name}. */
    static Properties properties(Map<String, String> configured, String name) {
        Properties properties = new Properties();
        properties.putAll(configured);
        properties.setProperty("org.quartz.jobStore.class", JobStoreTX.class.getName());
        properties.setProperty("org.quartz.jobStore.dataSource", name);
        return properties;
    }
}
