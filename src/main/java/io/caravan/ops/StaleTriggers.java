package io.caravan.ops;

import io.caravan.routes.QuartzTriggers;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.support.service.ServiceHelper;
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
 * Drops stored Quartz triggers of the {@code caravan} group that no started route of any live hub fires any more (a
 * route file removed, a flow switched off), so they stop firing into nothing. Triggers of jobs this hub runs are left
 * alone, so hubs starting together don't race re-creating them; so are those another live hub runs ({@link JobHubs}:
 * a flow off on this hub only, a route file this hub has not loaded), whose fires landing here are handed on.
 */
@Component
class StaleTriggers {

    private static final Logger LOG = LoggerFactory.getLogger(StaleTriggers.class);
    static final String GROUP = "caravan";

    private final Scheduler scheduler;
    private final JobRegistry registry;
    private final JobHubs hubs;
    private final CamelContext camel;

    StaleTriggers(Scheduler scheduler, JobRegistry registry, JobHubs hubs, CamelContext camel) {
        this.scheduler = scheduler;
        this.registry = registry;
        this.hubs = hubs;
        this.camel = camel;
    }

    /**
     * At start-up, one hub at a time ({@link JobHubs#exclusively}): records this hub's jobs, drops the stale
     * triggers, stores again any of this hub's own that a hub starting beside it dropped before this hub's jobs were
     * recorded, and starts the scheduler, whose check-in makes this hub count as live for the next hub's clean-up.
     * camel-quartz's auto-start is off: it stores a trigger for every quartz route, started or not, and a fire of one
     * whose route does not start here, landing before its removal, would be handed on round the cluster for nothing
     * and reported lost.
     */
    @EventListener(ApplicationStartedEvent.class)
    void cleanUpAndStart() throws SchedulerException {
        try {
            hubs.exclusively(() -> {
                hubs.start();
                removeStale();
                storeOwnAgain();
                startScheduler();
            });
        } finally {
            startScheduler();
        }
    }

    private void startScheduler() throws SchedulerException {
        if (!scheduler.isStarted()) {
            scheduler.start();
        }
    }

    private void storeOwnAgain() throws SchedulerException {
        for (Job job : registry.all()) {
            Route route = camel.getRoute(job.routeId());
            QuartzEndpoint endpoint = route == null ? null : QuartzTriggers.quartz(route);
            if (endpoint == null || scheduler.checkExists(TriggerKey.triggerKey(job.name(), job.group()))) {
                continue;
            }
            LOG.warn("Quartz trigger {}.{} of this hub's job was gone (dropped by a hub that started beside this one); "
                    + "storing it again", job.group(), job.name());
            // camel-quartz stores the job and its trigger when its endpoint starts.
            ServiceHelper.stopService(endpoint);
            ServiceHelper.startService(endpoint);
        }
    }

    private void removeStale() throws SchedulerException {
        hubs.start();
        Set<String> jobs = Set.copyOf(registry.names());
        for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP))) {
            if (jobs.contains(key.getName())) {
                continue;
            }
            if (hubs.runElsewhere(key.getName())) {
                LOG.info("Keeping Quartz trigger {}: this hub has no started route for it, another live hub has", key);
            } else {
                LOG.info("Removing Quartz trigger {}: no started route of a live hub is that job any more", key);
                try {
                    // The job with all its triggers, hand-overs included, in one transaction: unscheduling first left
                    // the job alive on a pending hand-over without its trigger, and camel-quartz then failed to start
                    // the route on any hub ("Trigger could not be found in quartz scheduler").
                    scheduler.deleteJob(JobKey.jobKey(key.getName(), GROUP));
                } catch (SchedulerException e) {
                    // The database, most likely: the next start-up tries again. (A hand-over of one of its fires at this
                    // moment waits for Quartz's lock, then finds the job gone and counts the fire lost.)
                    LOG.warn("Quartz trigger {} could not be removed now: {}", key, e.getMessage());
                }
            }
        }
    }
}
