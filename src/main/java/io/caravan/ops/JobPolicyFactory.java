package io.caravan.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.quartz.Scheduler;
import org.springframework.stereotype.Component;

/**
 * Camel picks this bean up and asks it for a policy for every route, wherever the route was defined (the built-in
 * files, {@code caravan.routes.dir}, a template, Java): each route that starts {@code from: quartz:} becomes a job.
 */
@Component
public class JobPolicyFactory implements RoutePolicyFactory {

    private final JobRegistry registry;
    private final JobRuns runs;
    private final Scheduler scheduler;

    public JobPolicyFactory(JobRegistry registry, JobRuns runs, Scheduler scheduler) {
        this.registry = registry;
        this.runs = runs;
        this.scheduler = scheduler;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        if (route instanceof RouteDefinition definition && definition.getInput() != null) {
            String uri = camelContext.resolvePropertyPlaceholders(definition.getInput().getEndpointUri());
            if (uri == null || !uri.startsWith("quartz:")) {
                return null;
            }
        }
        // A route made from a template keeps its description's {{parameters}} unresolved: the policy fills them in.
        java.util.Map<String, Object> parameters = route instanceof RouteDefinition definition && definition.getTemplateParameters() != null
                ? java.util.Map.copyOf(definition.getTemplateParameters()) : java.util.Map.of();
        return new JobPolicy(registry, runs, scheduler, parameters);
    }
}
