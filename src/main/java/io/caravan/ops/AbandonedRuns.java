package io.caravan.ops;

import io.caravan.core.CaravanProperties;
import io.caravan.core.Secrets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Marks {@code job_runs} rows that say {@code running} but whose process is gone as {@code abandoned}, at start-up
 * and every {@code caravan.runs.abandoned-sweep-interval} (default 1 min): a run holds its job's advisory lock
 * ({@link JobLock}) on a connection for as long as it runs, and PostgreSQL drops the lock when that process dies, so a
 * running row whose lock nobody holds — on any instance — can never finish. A run still going on another instance
 * holds its lock and is left alone. Without this a run cut by a crash stayed {@code running} until the job's next run
 * started (a day later for a daily job).
 */
@Component
public class AbandonedRuns implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(AbandonedRuns.class);

    private final JdbcTemplate jdbc;
    private final String schema;
    private final String instance;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "caravan-abandoned-runs");
        thread.setDaemon(true);
        return thread;
    });

    public AbandonedRuns(JdbcTemplate jdbc, CaravanProperties properties) {
        this.jdbc = jdbc;
        this.schema = properties.db().schema();
        this.instance = properties.instanceName();
        this.interval = properties.runs().abandonedSweepInterval();
    }

    @EventListener(ApplicationReadyEvent.class)
    void startUp() {
        sweepQuietly();
        timer.scheduleWithFixedDelay(this::sweepQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One statement, so a run that finishes meanwhile is not caught: its row no longer says running when the UPDATE
     * re-reads it (a run's row is written running only after its lock is taken, and finished before it is let go).
     *
     * @return runs marked abandoned
     */
    public int sweep() {
        int abandoned = jdbc.update("""
                UPDATE job_runs r SET status = 'abandoned', finished_at = now(),
                       error = 'the instance running it' || coalesce(' (' || r.instance || ')', '')
                               || ' stopped before the run finished; found by ' || ?
                 WHERE r.status = 'running'
                   AND NOT EXISTS (
                       SELECT 1 FROM pg_locks l
                        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                          AND l.classid = CAST(? AS oid)
                          AND l.objid = CAST(hashtext(? || '/' || r.job) AS oid))""", // JobLock.key(schema, job)
                instance, JobLock.LOCK_CLASS, schema);
        if (abandoned > 0) {
            LOG.warn("Marked {} job run(s) abandoned: the instance running them is gone", abandoned);
        }
        return abandoned;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("Could not look for abandoned job runs: {}", Secrets.describe(e));
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
