package io.caravan.routes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Date;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.listeners.TriggerListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's fire that lands on a hub with no started route for it — its route file not loaded here yet, or its flow off
 * on this hub — would be lost: camel-quartz logs "Cannot find existing QuartzEndpoint" and drops it. This listener
 * vetoes such a fire and hands it on to the cluster as a one-shot trigger of the same job a second later, which any
 * hub may take; a hub with the route runs it (camel-quartz finds the endpoint by the job's URI). After
 * {@code caravan.routes.handover-window} without a taker the fire is given up, logged as an error and counted in
 * {@code caravan_job_fires_lost_total}.
 */
public class QuartzHandover extends TriggerListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(QuartzHandover.class);
    static final String GROUP = "caravan-handover";
    public static final String SINCE = "caravanHandoverSince";
    static final String ATTEMPT = "caravanHandoverAttempt";
    private static final Duration DELAY = Duration.ofSeconds(1);

    private final CamelContext camel;
    private final Scheduler scheduler;
    private final Duration window;
    private final MeterRegistry meters;

    public QuartzHandover(CamelContext camel, Scheduler scheduler, Duration window, MeterRegistry meters) {
        this.camel = camel;
        this.scheduler = scheduler;
        this.window = window;
        this.meters = meters;
    }

    @Override
    public String getName() {
        return "caravan-route-handover";
    }

    @Override
    public boolean vetoJobExecution(Trigger trigger, JobExecutionContext context) {
        JobDetail job = context.getJobDetail();
        if (!job.getJobClass().getName().startsWith("org.apache.camel.component.quartz.")
                || QuartzTriggers.hasStartedRoute(camel, job.getKey())) {
            return false;
        }
        JobDataMap data = trigger.getJobDataMap();
        long now = System.currentTimeMillis();
        // The fire's own time, kept through every hand-over: the run records it as scheduled_for.
        long since = data.containsKey(SINCE) ? Long.parseLong(data.getString(SINCE))
                : context.getScheduledFireTime() != null ? context.getScheduledFireTime().getTime() : now;
        int attempt = data.containsKey(ATTEMPT) ? Integer.parseInt(data.getString(ATTEMPT)) + 1 : 1;
        String name = job.getKey().getName();
        if (now - since > window.toMillis()) {
            LOG.error("Job {}: a fire due {} was not run: for {} no hub of the cluster that took it had a started route for "
                    + "it (is its route file in every hub's caravan.routes.dir?)", name, new Date(since), window);
            Counter.builder("caravan.job.fires.lost").tag("job", name).register(meters).increment();
            return true;
        }
        Trigger handover = TriggerBuilder.newTrigger()
                .withIdentity(name + "-" + UUID.randomUUID(), GROUP)
                .forJob(job.getKey())
                .usingJobData(SINCE, String.valueOf(since))
                .usingJobData(ATTEMPT, String.valueOf(attempt))
                .startAt(new Date(now + DELAY.toMillis()))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            scheduler.scheduleJob(handover);
            Counter.builder("caravan.job.fires.handed.over").tag("job", name).register(meters).increment();
            if (attempt == 1) {
                LOG.warn("Job {}: this hub has no started route for it (route file not loaded here yet, or the flow off here);"
                        + " the fire due {} is handed on to the cluster", name, new Date(since));
            } else {
                LOG.debug("Job {}: fire due {} handed on again (attempt {})", name, new Date(since), attempt);
            }
        } catch (SchedulerException e) {
            LOG.error("Job {}: a fire landed on this hub, which has no started route for it, and could not be handed on: {}",
                    name, e.getMessage());
            Counter.builder("caravan.job.fires.lost").tag("job", name).register(meters).increment();
        }
        return true;
    }
}
