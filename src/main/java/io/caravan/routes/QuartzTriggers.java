package io.caravan.routes;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.DelegateEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz triggers of a file's routes. camel-quartz keeps a stopped route's trigger in a clustered job store (other
 * hubs may still run that route), so a trigger whose route left with its file would keep firing into nothing; the file
 * was removed from the directory every hub reads, so it goes for the whole cluster.
 */
public class QuartzTriggers {

    private static final Logger LOG = LoggerFactory.getLogger(QuartzTriggers.class);

    /** A job's trigger (camel-quartz gives job and trigger the same group and name). */
    public record Key(String group, String name) {
    }

    Set<Key> of(List<Route> routes) {
        return routes.stream().map(QuartzTriggers::quartz).filter(q -> q != null)
                .map(q -> new Key(q.getTriggerKey().getGroup(), q.getTriggerKey().getName())).collect(Collectors.toSet());
    }

    /** The route's camel-quartz endpoint, or null when the route does not start {@code from: quartz:}. */
    public static QuartzEndpoint quartz(Route route) {
        Endpoint endpoint = route.getEndpoint();
        if (endpoint instanceof DelegateEndpoint delegate) {
            endpoint = delegate.getEndpoint();
        }
        return endpoint instanceof QuartzEndpoint quartz ? quartz : null;
    }

    /** Whether a started route of this hub fires the job (group/name). */
    static boolean hasStartedRoute(CamelContext camel, JobKey job) {
        for (Route route : camel.getRoutes()) {
            QuartzEndpoint quartz = quartz(route);
            if (quartz != null && quartz.getTriggerKey().getName().equals(job.getName())
                    && quartz.getTriggerKey().getGroup().equals(job.getGroup())
                    && camel.getRouteController().getRouteStatus(route.getRouteId()).isStarted()) {
                return true;
            }
        }
        return false;
    }

    /** Unschedules the triggers no route of this hub uses any more. */
    void removeUnused(Set<Key> keys, CamelContext camel) {
        if (keys.isEmpty()) {
            return;
        }
        Set<Key> used = of(List.copyOf(camel.getRoutes()));
        Scheduler scheduler = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        for (Key key : keys) {
            if (used.contains(key)) {
                continue;
            }
            try {
                // The job with all its triggers (pending hand-overs too) in one transaction, see StaleTriggers.
                scheduler.deleteJob(JobKey.jobKey(key.name(), key.group()));
                LOG.info("Quartz trigger {}.{} removed: no route of its file fires it any more", key.group(), key.name());
            } catch (SchedulerException e) {
                LOG.error("Quartz trigger {}.{} could not be removed (it may fire into a hub without its route, which hands the "
                        + "fire on): {}", key.group(), key.name(), e.getMessage());
            }
        }
    }
}
