package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * Quartz clustered on PostgreSQL as the hub runs it, with a second connection watching the tables the way another hub
 * reads them. On Spring's {@code LocalDataSourceJobStore}, called outside a Spring transaction as camel-quartz calls
 * it, a job is seen without its trigger (the moment that failed a starting hub's route); on the store
 * {@link QuartzJobStore} sets up, never.
 */
class QuartzJobStoreTest {

    private static final Duration WATCH = Duration.ofSeconds(10);

    private final String schema = TestEnvironment.newSchema();
    private HikariDataSource data;
    private final List<SchedulerFactoryBean> factories = new ArrayList<>();
    private Scheduler spring;
    private Scheduler hub;
    private JdbcTemplate watcher;

    @BeforeEach
    void scheduler() throws Exception {
        data = new HikariDataSource();
        data.setJdbcUrl(TestEnvironment.jdbcUrl(schema));
        data.setUsername(TestEnvironment.PG_USER);
        data.setPassword(TestEnvironment.PG_PASSWORD);
        data.setMaximumPoolSize(4);
        watcher = new JdbcTemplate(data);
        watcher.execute("CREATE SCHEMA " + schema);
        new ResourceDatabasePopulator(new ClassPathResource("db/migration/ops/V1_1__quartz_tables.sql")).execute(data);

        spring = scheduler("quartz-spring-" + schema, quartzProperties());
        hub = scheduler("quartz-hub-" + schema, QuartzJobStore.properties(quartzProperties(), QuartzJobStore.register(data)));
    }

    /** As the hub's {@code spring.quartz.properties}. */
    private static Map<String, String> quartzProperties() {
        return Map.of("org.quartz.scheduler.instanceId", "AUTO", "org.quartz.jobStore.isClustered", "true",
                "org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate",
                "org.quartz.jobStore.useProperties", "true", "org.quartz.threadPool.threadCount", "1");
    }

    /** A scheduler as Spring Boot's JDBC store type builds it: the DataSource on the factory. */
    private Scheduler scheduler(String name, Map<?, ?> properties) throws Exception {
        SchedulerFactoryBean factory = new SchedulerFactoryBean();
        factory.setSchedulerName(name);
        factory.setDataSource(data);
        Properties quartz = new Properties();
        quartz.putAll(properties);
        factory.setQuartzProperties(quartz);
        factory.setAutoStartup(false);
        factory.afterPropertiesSet();
        factories.add(factory);
        return factory.getObject();
    }

    @AfterEach
    void close() throws Exception {
        for (SchedulerFactoryBean factory : factories) {
            factory.destroy();
        }
        data.close();
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void springsStoreOutsideATransactionLetsAnotherReaderSeeAJobWithoutItsTrigger() throws Exception {
        assertThat(spring.getMetaData().getJobStoreClass().getSimpleName()).isEqualTo("LocalDataSourceJobStore");
        assertThat(jobsSeenWithoutTrigger(spring, true)).as("moments a job was stored without its trigger").isPositive();
    }

    @Test
    void theHubsStoreStoresAndDeletesAJobWithItsTriggerInOneCommit() throws Exception {
        assertThat(hub.getMetaData().getJobStoreClass()).isEqualTo(JobStoreTX.class);
        assertThat(jobsSeenWithoutTrigger(hub, false)).as("moments a job was stored without its trigger").isZero();
    }

    @Test
    void aFailingCallLeavesWhatWasStoredAndThrowsQuartzsOwnException() throws Exception {
        JobDetail job = job();
        hub.scheduleJob(job, trigger(job));
        assertThatThrownBy(() -> hub.scheduleJob(job, trigger(job))).isInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(hub.checkExists(job.getKey())).isTrue();
        assertThat(watcher.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE sched_name = ?", Integer.class,
                "quartz-hub-" + schema)).isEqualTo(1);
    }

    /**
     * Stores and deletes a job with its trigger in a loop while the watcher looks for a job with no trigger. With
     * {@code stopAtFirst} the loop ends at the first sighting (at most {@link #WATCH}; on Spring's store it comes in
     * the first round); otherwise it runs 3 s.
     */
    private int jobsSeenWithoutTrigger(Scheduler scheduler, boolean stopAtFirst) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger seen = new AtomicInteger();
        Thread watch = new Thread(() -> {
            while (!done.get()) {
                Integer orphans = watcher.queryForObject("""
                        SELECT count(*) FROM qrtz_job_details j WHERE NOT EXISTS (SELECT 1 FROM qrtz_triggers t
                        WHERE t.sched_name = j.sched_name AND t.job_name = j.job_name AND t.job_group = j.job_group)""",
                        Integer.class);
                if (orphans != null && orphans > 0) {
                    seen.incrementAndGet();
                }
            }
        }, "quartz-watcher");
        watch.start();
        JobDetail job = job();
        long until = System.nanoTime() + (stopAtFirst ? WATCH : Duration.ofSeconds(3)).toNanos();
        int rounds = 0;
        try {
            while (System.nanoTime() < until && !(stopAtFirst && seen.get() > 0)) {
                scheduler.scheduleJob(job, trigger(job));
                scheduler.deleteJob(job.getKey());
                rounds++;
            }
        } finally {
            done.set(true);
            watch.join();
        }
        System.out.printf("quartz job store %s: %d store/delete rounds, %d sightings of a job without its trigger%n",
                scheduler.getSchedulerName(), rounds, seen.get());
        assertThat(rounds).as("rounds run").isPositive();
        return seen.get();
    }

    private static JobDetail job() {
        return JobBuilder.newJob(NoOp.class).withIdentity(JobKey.jobKey("tick", "caravan")).build();
    }

    private static Trigger trigger(JobDetail job) {
        return TriggerBuilder.newTrigger().withIdentity("tick", "caravan").forJob(job)
                .withSchedule(CronScheduleBuilder.cronSchedule("0 0 * * * ?")).build();
    }

    public static class NoOp implements Job {
        @Override
        public void execute(org.quartz.JobExecutionContext context) {
        }
    }
}
