package io.caravan.ops;

import io.caravan.core.CaravanProperties.JobSpec;
import java.time.ZoneId;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.support.RoutePolicySupport;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes a {@code from: quartz:<group>/<name>} route a job. At initialisation it applies
 * {@code caravan.jobs.<name>} (cron, time zone), makes the Quartz job stateful (no two fires of it at once in the
 * cluster) and drops a stored trigger whose time zone changed; while the route is started the job is listed. Each fire
 * is checked against the pause flag and the job's lock before the route's first step, and recorded in job_runs when
 * the exchange is done.
 */
final class JobPolicy extends RoutePolicySupport {

    /** Exchange property carrying the {@link JobRuns.Run} of a run an operator started. */
    static final String RUN = "CaravanJobRun";

    private static final Logger LOG = LoggerFactory.getLogger(JobPolicy.class);

    private final JobRegistry registry;
    private final JobRuns runs;
    private final Scheduler scheduler;
    private final Map<String, Object> templateParameters;
    private volatile Job job;

    JobPolicy(JobRegistry registry, JobRuns runs, Scheduler scheduler, Map<String, Object> templateParameters) {
        this.registry = registry;
        this.runs = runs;
        this.scheduler = scheduler;
        this.templateParameters = templateParameters;
    }

    @Override
    public void onInit(Route route) {
        if (!(route.getEndpoint() instanceof QuartzEndpoint quartz)) {
            return;
        }
        String name = quartz.getTriggerName();
        registry.claim(name, route.getRouteId());
        JobSpec spec = registry.override(name).orElse(null);
        Map<String, Object> trigger = new HashMap<>(quartz.getTriggerParameters() == null ? Map.of() : quartz.getTriggerParameters());
        if (spec != null && spec.cron() != null) {
            quartz.setCron(spec.cron());
        }
        if (spec != null && spec.timeZone() != null) {
            trigger.put("timeZone", spec.timeZone());
        }
        // Explicit, so a hub in another JVM zone reads the cron the same way.
        trigger.putIfAbsent("timeZone", "UTC");
        quartz.setTriggerParameters(trigger);
        quartz.setStateful(true);
        if (quartz.getCron() == null) {
            throw new IllegalArgumentException("Route " + route.getRouteId() + " is the job '" + name
                    + "' but its quartz endpoint has no cron (add ?cron=... or caravan.jobs." + name + ".cron)");
        }
        JobRegistry.checkCron(name, quartz.getCron());
        ZoneId zone = ZoneId.of(String.valueOf(trigger.get("timeZone")));
        boolean enabled = registry.enabled(name);
        String description = route.getDescription() == null ? "" : route.getDescription();
        for (Map.Entry<String, Object> parameter : templateParameters.entrySet()) {
            description = description.replace("{{" + parameter.getKey() + "}}", String.valueOf(parameter.getValue()));
        }
        job = new Job(name, quartz.getGroupName(), route.getRouteId(), quartz.getCron(), zone, enabled, description);
        dropReZonedTrigger(job);
    }

    /**
     * camel-quartz re-schedules a changed cron by itself, but keeps a stored trigger's old time zone; and for a route
     * added to a running hub (a route file loaded on reload) it schedules the trigger before this policy has set the
     * zone. Either way the stored trigger is re-scheduled in place, same job, with the job's cron and zone.
     */
    private void dropReZonedTrigger(Job job) {
        TriggerKey key = TriggerKey.triggerKey(job.name(), job.group());
        try {
            Trigger stored = scheduler.getTrigger(key);
            if (stored instanceof CronTrigger cron && !cron.getTimeZone().getID().equals(job.timeZone().getId())) {
                LOG.info("Re-scheduling Quartz trigger {}: its time zone changed to {}", key, job.timeZone());
                Trigger rezoned = org.quartz.TriggerBuilder.newTrigger().withIdentity(key).forJob(cron.getJobKey())
                        .withDescription(cron.getDescription()).usingJobData(cron.getJobDataMap())
                        .withSchedule(org.quartz.CronScheduleBuilder.cronSchedule(job.cron())
                                .inTimeZone(java.util.TimeZone.getTimeZone(job.timeZone())))
                        .build();
                scheduler.rescheduleJob(key, rezoned);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not read the Quartz trigger of job '" + job.name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void onStart(Route route) {
        if (job != null) {
            registry.started(job);
        }
    }

    @Override
    public void onResume(Route route) {
        onStart(route);
    }

    @Override
    public void onStop(Route route) {
        if (job != null) {
            registry.stopped(job.name());
        }
    }

    @Override
    public void onSuspend(Route route) {
        onStop(route);
    }

    @Override
    public void onRemove(Route route) {
        if (job != null) {
            registry.release(job.name(), route.getRouteId());
        }
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        Job current = job;
        if (current == null) {
            return;
        }
        JobRuns.Run run = exchange.getProperty(RUN, JobRuns.Run.class);
        if (run == null) {
            try {
                Date scheduled = exchange.getIn().getHeader("scheduledFireTime", Date.class);
                // A fire handed on by a hub without this route (io.caravan.routes.QuartzHandover) keeps its own time.
                org.quartz.JobDataMap data = exchange.getIn().getHeader("mergedJobDataMap", org.quartz.JobDataMap.class);
                if (data != null && data.containsKey(io.caravan.routes.QuartzHandover.SINCE)) {
                    scheduled = new Date(Long.parseLong(data.getString(io.caravan.routes.QuartzHandover.SINCE)));
                    run = runs.beginHandedOver(current, scheduled.toInstant());
                } else {
                    run = runs.beginScheduled(current, scheduled == null ? null : scheduled.toInstant());
                }
            } catch (RuntimeException e) {
                LOG.error("Job {}: this fire is not run, its run could not be recorded: {}", current.name(), e.getMessage());
                run = null;
            }
            if (run == null) {
                exchange.setRouteStop(true);
                return;
            }
            exchange.setProperty(RUN, run);
        }
        exchange.getIn().setHeader(JobHeaders.JOB, current.name());
        exchange.getIn().setHeader(JobHeaders.RUN_ID, run.id());
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        JobRuns.Run run = exchange.getProperty(RUN, JobRuns.Run.class);
        if (job != null && run != null) {
            exchange.removeProperty(RUN);
            runs.finish(job, run, exchange);
        }
    }
}
