package io.caravan.ops;

import java.util.Date;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.builder.RouteBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One Quartz route per enabled job. The triggers live in PostgreSQL (clustered JobStore), so each fire happens on
 * exactly one instance; {@code stateful=true} makes the Quartz job non-concurrent across the cluster.
 */
@Component
public class JobRoutes extends RouteBuilder {

    static final String GROUP = "caravan";
    private static final Logger LOG = LoggerFactory.getLogger(JobRoutes.class);

    private final JobRegistry registry;
    private final JobRunner runner;
    private final Scheduler scheduler;

    public JobRoutes(JobRegistry registry, JobRunner runner, Scheduler scheduler) {
        this.registry = registry;
        this.runner = runner;
        this.scheduler = scheduler;
    }

    @Override
    public void configure() throws Exception {
        removeStaleTriggers();
        for (JobDefinition job : registry.all()) {
            if (!job.enabled()) {
                continue;
            }
            String name = job.name();
            fromF("quartz://%s/%s?cron=%s&trigger.timeZone=%s&stateful=true", GROUP, name, job.cron().replace(' ', '+'),
                    job.timeZone().getId())
                    .routeId("job-" + name)
                    .routeDescription("Schedule of job " + name + ": " + job.cron() + " " + job.timeZone().getId())
                    .process(exchange -> {
                        Date scheduled = exchange.getIn().getHeader("scheduledFireTime", Date.class);
                        runner.runScheduled(name, scheduled == null ? null : scheduled.toInstant());
                    });
        }
    }

    /**
     * Drops triggers of jobs that were removed or disabled, and triggers whose time zone changed (camel-quartz only
     * notices a changed cron). Unchanged triggers are left alone so instances starting together don't race.
     */
    private void removeStaleTriggers() throws SchedulerException {
        Set<String> enabled = registry.all().stream().filter(JobDefinition::enabled).map(JobDefinition::name)
                .collect(Collectors.toSet());
        for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP))) {
            Trigger trigger = scheduler.getTrigger(key);
            boolean stale = !enabled.contains(key.getName());
            if (!stale && trigger instanceof CronTrigger cron) {
                JobDefinition job = registry.get(key.getName());
                stale = !cron.getTimeZone().getID().equals(job.timeZone().getId());
            }
            if (stale) {
                LOG.info("Removing Quartz trigger {} (job removed, disabled or re-zoned)", key);
                scheduler.unscheduleJob(key);
                scheduler.deleteJob(JobKey.jobKey(key.getName(), GROUP));
            }
        }
    }

    public TriggerKey triggerKey(String job) {
        return TriggerKey.triggerKey(job, GROUP);
    }
}
