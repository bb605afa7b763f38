package io.caravan.ops;

import io.caravan.core.CaravanProperties.JobSpec;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Jobs declared in configuration only ({@code caravan.jobs.<name>.endpoint}): a one-step route
 * {@code quartz:caravan/<name> → endpoint}, a job like any other. Route files are the usual way to write a job;
 * this keeps a job a few properties away for an endpoint that already exists.
 */
@Component
public class ConfiguredJobs extends RouteBuilder {

    private final JobRegistry registry;

    public ConfiguredJobs(JobRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure() {
        registry.declaredInConfiguration().forEach(this::declare);
    }

    private void declare(String name, JobSpec spec) {
        if (spec.cron() == null) {
            throw new IllegalStateException("Invalid job configuration caravan.jobs." + name
                    + ": a job declared with an endpoint needs a cron");
        }
        // The policy applies cron and time zone from caravan.jobs; the URI only needs a valid placeholder cron.
        fromF("quartz:caravan/%s?cron=%s", name, spec.cron().replace(' ', '+'))
                .routeId("job-" + name)
                .routeDescription(spec.description() == null ? "Sends to " + spec.endpoint() : spec.description())
                .to(spec.endpoint());
    }
}
