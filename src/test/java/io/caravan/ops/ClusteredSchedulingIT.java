package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** Two hubs on one database share one schedule: every fire runs on exactly one of them. */
class ClusteredSchedulingIT {

    private final String schema = TestEnvironment.newSchema();

    @AfterEach
    void dropSchema() {
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void eachTickRunsOnceInTotal() throws Exception {
        Map<String, Object> job = Map.of("caravan.jobs.tick.cron", "* * * * * ?", "caravan.jobs.tick.endpoint", "direct:heartbeat");
        ConfigurableApplicationContext first = Hubs.start(schema, with(job, "hub-a"));
        ConfigurableApplicationContext second = Hubs.start(schema, with(job, "hub-b"));
        try {
            // camel-quartz stores its triggers through this scheduler: each call one transaction (QuartzJobStore).
            Scheduler camelScheduler = first.getBean(CamelContext.class).getComponent("quartz", QuartzComponent.class).getScheduler();
            assertThat(camelScheduler).isSameAs(first.getBean(Scheduler.class));
            assertThat(camelScheduler.getMetaData().getJobStoreClass()).isEqualTo(JobStoreTX.class);
            // Enough fires for a duplicate to have had its chances, counted rather than waited for: a loaded machine
            // fires late, not less.
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM job_runs WHERE job = 'tick' AND status = 'succeeded'", Long.class) >= 8);
        } finally {
            second.close();
            first.close();
        }
        try (Connection connection = TestEnvironment.connect(schema); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT count(*) AS runs, count(DISTINCT scheduled_for) AS fires,
                            count(*) FILTER (WHERE status <> 'succeeded') AS not_succeeded,
                            (SELECT count(*) FROM (SELECT scheduled_for FROM job_runs WHERE job = 'tick'
                                                   GROUP BY scheduled_for HAVING count(*) > 1) d) AS duplicated
                     FROM job_runs WHERE job = 'tick'""")) {
            rs.next();
            assertThat(rs.getLong("runs")).as("runs of a per-second cron").isGreaterThanOrEqualTo(7);
            assertThat(rs.getLong("duplicated")).as("fires that ran more than once").isZero();
            assertThat(rs.getLong("runs")).isEqualTo(rs.getLong("fires"));
            assertThat(rs.getLong("not_succeeded")).isZero();
        }
    }

    private static Map<String, Object> with(Map<String, Object> job, String instance) {
        Map<String, Object> properties = new java.util.HashMap<>(job);
        properties.put("caravan.instance-name", instance);
        return properties;
    }
}
