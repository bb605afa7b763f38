package io.caravan.ops;

import io.caravan.core.CaravanProperties;
import io.caravan.core.Secrets;
import io.caravan.core.WhenDatabaseReturns;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The bookkeeping of one run, whoever starts it: the pause flag (scheduled fires only), the job's cluster-wide lock,
 * the job_runs row, the metrics and a secret-free error. Knows nothing of Camel routes beyond the exchange it records.
 */
@Component
public class JobRuns {

    private static final Logger LOG = LoggerFactory.getLogger(JobRuns.class);

    /** A run under way: its job_runs id and the lock it holds until it ends. */
    public static final class Run {
        private final long id;
        private final String trigger;
        private final JobLock lock;
        private final Timer.Sample sample;

        Run(long id, String trigger, JobLock lock, Timer.Sample sample) {
            this.id = id;
            this.trigger = trigger;
            this.lock = lock;
            this.sample = sample;
        }

        public long id() {
            return id;
        }
    }

    private final JobRunRepository runs;
    private final JobStateRepository states;
    private final DataSource dataSource;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final String instance;
    private final String schema;
    private final WhenDatabaseReturns deferred;

    public JobRuns(JobRunRepository runs, JobStateRepository states, DataSource dataSource, MeterRegistry meters,
                   ApplicationEventPublisher events, CaravanProperties properties, WhenDatabaseReturns deferred) {
        this.deferred = deferred;
        this.runs = runs;
        this.states = states;
        this.dataSource = dataSource;
        this.meters = meters;
        this.events = events;
        this.instance = properties.instanceName();
        this.schema = properties.db().schema();
    }

    /**
     * A fire of the schedule: null when it must not run (disabled, paused, or the previous run still going, which
     * is recorded as a skipped run).
     */
    /** A fire handed on by a hub without the job's route (io.caravan.routes.QuartzHandover): run it once only. */
    Run beginHandedOver(Job job, Instant scheduledFor) {
        if (runs.ranFor(job.name(), scheduledFor)) {
            LOG.info("Job {}: the fire due {} was handed on and has run already; not run again", job.name(), scheduledFor);
            return null;
        }
        return beginScheduled(job, scheduledFor);
    }

    Run beginScheduled(Job job, Instant scheduledFor) {
        if (!job.enabled()) {
            count(job.name(), "disabled");
            return null;
        }
        if (states.isPaused(job.name())) {
            LOG.debug("Job {} is paused; skipping this fire", job.name());
            count(job.name(), "paused");
            return null;
        }
        JobLock lock = JobLock.tryAcquire(dataSource, schema, job.name());
        if (lock == null) {
            long id = runs.recordSkipped(job.name(), "schedule", scheduledFor, instance, "the previous run was still running");
            LOG.warn("Job {} fired while its previous run was still running; skipped (run {})", job.name(), id);
            count(job.name(), "skipped");
            return null;
        }
        return begin(job, "schedule", scheduledFor, lock);
    }

    /**
     * A run an operator asked for, paused or not.
     *
     * @throws JobAlreadyRunningException when a run of the job is under way anywhere in the cluster
     */
    Run beginManual(Job job) {
        JobLock lock = JobLock.tryAcquire(dataSource, schema, job.name());
        // A run that has just ended marks its row before it lets go of the lock (so the abandoned-run sweep never
        // takes a live run for a dead one): give such a run a moment before calling the job busy.
        for (int retry = 0; lock == null && retry < 5; retry++) {
            sleep(100);
            lock = JobLock.tryAcquire(dataSource, schema, job.name());
        }
        if (lock == null) {
            throw new JobAlreadyRunningException(job.name());
        }
        return begin(job, "manual", null, lock);
    }

    private Run begin(Job job, String trigger, Instant scheduledFor, JobLock lock) {
        try {
            long id = runs.start(job.name(), trigger, scheduledFor, instance);
            // Holding the lock: any other 'running' row of this job belongs to a process that died.
            runs.markAbandoned(job.name(), id);
            return new Run(id, trigger, lock, Timer.start(meters));
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Records how the run's exchange ended and releases the lock. */
    void finish(Job job, Run run, Exchange result) {
        String status;
        Long rows = null;
        String error = null;
        Exception failure = result.getException();
        if (failure == null) {
            status = "succeeded";
            rows = rowsOf(result);
            LOG.info("Job {} run {} ({}) succeeded{}", job.name(), run.id, run.trigger, rows == null ? "" : ", rows: " + rows);
        } else {
            status = "failed";
            error = Secrets.describe(failure);
            LOG.warn("Job {} run {} ({}) failed: {}", job.name(), run.id, run.trigger, error);
        }
        finish(job, run, status, rows, error);
    }

    /** Ends a run that could not be handed to its route at all. */
    void failed(Job job, Run run, Exception failure) {
        String error = Secrets.describe(failure);
        LOG.warn("Job {} run {} ({}) failed: {}", job.name(), run.id, run.trigger, error);
        finish(job, run, "failed", null, error);
    }

    private void finish(Job job, Run run, String status, Long rows, String error) {
        JobLock lock = run.lock;
        boolean recorded = false;
        try (lock) {
            run.sample.stop(Timer.builder("caravan.job.duration").description("Duration of job runs")
                    .tag("job", job.name()).tag("status", status).register(meters));
            count(job.name(), status);
            // With the database away this write fails too: the run keeps its own error, written once it is back.
            recorded = deferred.writeOrRetry("job " + job.name() + " run " + run.id + " " + status,
                    () -> runs.finish(run.id, status, rows, error), () -> published(job, run, status));
        } catch (RuntimeException e) {
            LOG.error("Job {} run {} ended {} but could not be recorded: {}", job.name(), run.id, status, Secrets.describe(e));
        }
        // After the lock is released: a run that reads as finished can be started again at once, alerts or not.
        if (recorded) {
            published(job, run, status);
        }
    }

    private void published(Job job, Run run, String status) {
        try {
            runs.find(run.id).ifPresent(finished -> events.publishEvent(new JobFinishedEvent(finished)));
        } catch (RuntimeException e) {
            LOG.error("Job {} run {} ended {}; its listeners failed: {}", job.name(), run.id, status, Secrets.describe(e));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Long rowsOf(Exchange result) {
        Object rows = result.getMessage().getHeader(JobHeaders.ROWS);
        if (rows == null) {
            rows = result.getMessage().getBody();
        }
        if (rows instanceof Number number) {
            return number.longValue();
        }
        if (rows instanceof String text && text.strip().matches("\\d{1,18}")) {
            return Long.parseLong(text.strip());
        }
        return null;
    }

    private void count(String job, String status) {
        Counter.builder("caravan.job.runs").description("Job runs by outcome")
                .tag("job", job).tag("status", status).register(meters).increment();
    }
}
