package io.caravan.ops;

import java.util.Set;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Drops stored Quartz triggers of the {@code caravan} group that no started route fires any more (a route file
 * removed, a flow switched off), so they stop firing into nothing. Triggers of running jobs are left alone, so hubs
 * starting together don't race re-creating them.
 */
@Component
class StaleTriggers {

    private static final Logger LOG = LoggerFactory.getLogger(StaleTriggers.class);
    static final String GROUP = "caravan";

    private final Scheduler scheduler;
    private final JobRegistry registry;

    StaleTriggers(Scheduler scheduler, JobRegistry registry) {
        this.scheduler = scheduler;
        this.registry = registry;
    }

    @EventListener(ApplicationStartedEvent.class)
    void removeStale() throws SchedulerException {
        Set<String> jobs = Set.copyOf(registry.names());
        for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP))) {
            if (!jobs.contains(key.getName())) {
                LOG.info("Removing Quartz trigger {}: no started route is that job any more", key);
                try {
                    scheduler.unscheduleJob(key);
                    scheduler.deleteJob(JobKey.jobKey(key.getName(), GROUP));
                } catch (SchedulerException e) {
                    // A fire of it being handed on by this or another hub at this moment (io.caravan.routes.QuartzHandover):
                    // that fire gives up after the hand-over window; the next start-up removes what is left.
                    LOG.warn("Quartz trigger {} could not be removed now: {}", key, e.getMessage());
                }
            }
        }
    }
}
