package io.caravan.ops;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which live hub of the cluster runs which job ({@code job_hubs}, by Quartz instance id, joined with Quartz's own
 * check-ins in {@code qrtz_scheduler_state}). Hubs of one cluster may differ (a flow switched off on one hub only, a
 * route file not yet loaded everywhere): a hub that finds a trigger with no started route of its own asks here before
 * dropping it ({@link StaleTriggers}), so it never stops a job another hub still runs.
 */
@Component
class JobHubs implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(JobHubs.class);
    /** Quartz's own grace for a missed check-in (JobStoreSupport's 7.5 s), on top of twice the interval. */
    private static final long CHECKIN_GRACE_MILLIS = 7_500;

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final Scheduler scheduler;
    private final JobRegistry registry;

    JobHubs(DataSource dataSource, JdbcTemplate jdbc, Scheduler scheduler, JobRegistry registry) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.scheduler = scheduler;
        this.registry = registry;
    }

    /** Work that reads or changes the cluster's triggers against job_hubs. */
    interface Section {
        void run() throws SchedulerException;
    }

    /**
     * Runs {@code section} holding this schema's job_hubs lock (a transaction-level PostgreSQL advisory lock, so it
     * goes with the transaction whatever happens), one starting hub at a time.
     */
    void exclusively(Section section) throws SchedulerException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.job_hubs'))");
                }
                section.run();
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new SchedulerException("Could not take the job_hubs lock: " + e.getMessage(), e);
        }
    }

    /** Records this hub's started jobs, from now on at every change, and forgets hubs no longer in the cluster. */
    void start() throws SchedulerException {
        publish();
        registry.onChange(this::publishQuietly);
        jdbc.update("""
                DELETE FROM job_hubs h WHERE NOT EXISTS (SELECT 1 FROM qrtz_scheduler_state s
                WHERE s.sched_name = ? AND s.instance_name = h.instance) AND h.instance <> ?""",
                scheduler.getSchedulerName(), scheduler.getSchedulerInstanceId());
    }

    /** Whether another hub that checked in lately has a started route for the job. */
    boolean runElsewhere(String job) throws SchedulerException {
        List<String> hubs = jdbc.queryForList("""
                SELECT h.instance FROM job_hubs h JOIN qrtz_scheduler_state s
                  ON s.sched_name = ? AND s.instance_name = h.instance
                WHERE h.job = ? AND h.instance <> ?
                  AND s.last_checkin_time + 2 * s.checkin_interval + ? > ?""", String.class,
                scheduler.getSchedulerName(), job, scheduler.getSchedulerInstanceId(), CHECKIN_GRACE_MILLIS,
                System.currentTimeMillis());
        return !hubs.isEmpty();
    }

    private void publish() throws SchedulerException {
        String instance = scheduler.getSchedulerInstanceId();
        String[] jobs = Set.copyOf(registry.names()).toArray(String[]::new);
        // Insert, then delete what is gone: each statement alone leaves a true list, with no transaction to hold.
        jdbc.update("INSERT INTO job_hubs (instance, job) SELECT ?, unnest(?::text[]) ON CONFLICT DO NOTHING", instance, jobs);
        jdbc.update("DELETE FROM job_hubs WHERE instance = ? AND NOT (job = ANY (?::text[]))", instance, jobs);
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (SchedulerException | DataAccessException e) {
            LOG.warn("Could not record this hub's jobs in job_hubs (another hub starting now may drop a trigger this hub "
                    + "fires; its next start re-creates it): {}", e.getMessage());
        }
    }

    @Override
    public void destroy() {
        registry.onChange(() -> { });
        try {
            jdbc.update("DELETE FROM job_hubs WHERE instance = ?", scheduler.getSchedulerInstanceId());
        } catch (SchedulerException | DataAccessException e) {
            LOG.debug("job_hubs rows of this hub left for the next hub's start to remove: {}", e.getMessage());
        }
    }
}
