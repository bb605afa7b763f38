package io.caravan.ops;

import io.caravan.core.CaravanProperties;
import io.caravan.core.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Runs a job once: checks the pause flag (scheduled runs only), takes the job's cluster-wide lock, records the run
 * in job_runs, sends one exchange to the job's endpoint and records how it ended, with a secret-free error.
 */
@Component
public class JobRunner implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final JobRegistry registry;
    private final JobRunRepository runs;
    private final JobStateRepository states;
    private final ProducerTemplate template;
    private final DataSource dataSource;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final String instance;
    private final String schema;
    private final ExecutorService manualRuns = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "caravan-manual-run");
        thread.setDaemon(true);
        return thread;
    });

    public JobRunner(JobRegistry registry, JobRunRepository runs, JobStateRepository states, ProducerTemplate template,
                     DataSource dataSource, MeterRegistry meters, ApplicationEventPublisher events,
                     CaravanProperties properties) {
        this.registry = registry;
        this.runs = runs;
        this.states = states;
        this.template = template;
        this.dataSource = dataSource;
        this.meters = meters;
        this.events = events;
        this.instance = properties.instanceName();
        this.schema = properties.db().schema();
    }

    /**
     * Quartz's entry point: fires on one instance of the cluster.
     *
     * @param scheduledFor the fire time Quartz planned, recorded so each fire can be traced to its one run
     */
    public void runScheduled(String name, Instant scheduledFor) {
        JobDefinition job = registry.get(name);
        if (states.isPaused(name)) {
            LOG.debug("Job {} is paused; skipping this fire", name);
            count(name, "paused");
            return;
        }
        try (JobLock lock = JobLock.tryAcquire(dataSource, schema, name)) {
            if (lock == null) {
                long id = runs.recordSkipped(name, "schedule", scheduledFor, instance,
                        "the previous run was still running");
                LOG.warn("Job {} fired while its previous run was still running; skipped (run {})", name, id);
                count(name, "skipped");
                return;
            }
            execute(job, runs.start(name, "schedule", scheduledFor, instance), "schedule");
        }
    }

    /**
     * Starts a run now, on this instance, whether or not the job is paused.
     *
     * @return the id of the job_runs row
     * @throws JobAlreadyRunningException when a run of the job is under way anywhere in the cluster
     */
    public long startNow(String name) {
        JobDefinition job = registry.get(name);
        JobLock lock = JobLock.tryAcquire(dataSource, schema, name);
        if (lock == null) {
            throw new JobAlreadyRunningException(name);
        }
        long id;
        try {
            id = runs.start(name, "manual", null, instance);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        manualRuns.execute(() -> {
            try (lock) {
                execute(job, id, "manual");
            }
        });
        return id;
    }

    private void execute(JobDefinition job, long runId, String trigger) {
        runs.markAbandoned(job.name(), runId);
        Timer.Sample sample = Timer.start(meters);
        String status;
        Long rows = null;
        String error = null;
        try {
            Exchange result = template.send(job.endpoint(), exchange -> {
                exchange.getIn().setHeaders(new java.util.HashMap<>(job.headers()));
                exchange.getIn().setHeader(JobHeaders.JOB, job.name());
                exchange.getIn().setHeader(JobHeaders.RUN_ID, runId);
            });
            if (result.getException() != null) {
                throw result.getException();
            }
            rows = rowsOf(result);
            status = "succeeded";
            LOG.info("Job {} run {} ({}) succeeded{}", job.name(), runId, trigger, rows == null ? "" : ", rows: " + rows);
        } catch (Exception e) {
            status = "failed";
            error = Secrets.describe(e);
            LOG.warn("Job {} run {} ({}) failed: {}", job.name(), runId, trigger, error);
        }
        sample.stop(Timer.builder("caravan.job.duration").description("Duration of job runs")
                .tag("job", job.name()).tag("status", status).register(meters));
        count(job.name(), status);
        try {
            runs.finish(runId, status, rows, error);
            runs.find(runId).ifPresent(run -> events.publishEvent(new JobFinishedEvent(run)));
        } catch (RuntimeException e) {
            LOG.error("Job {} run {} ended {} but could not be recorded: {}", job.name(), runId, status, Secrets.describe(e));
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

    @Override
    public void destroy() throws InterruptedException {
        manualRuns.shutdown();
        manualRuns.awaitTermination(30, TimeUnit.SECONDS);
    }
}
