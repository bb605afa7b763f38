package io.caravan.routes;

import java.util.List;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * Health component {@code routes}: DEGRADED while a file of {@code caravan.routes.dir} failed to load. Not part of
 * readiness: its previous routes (if any) and every other route still run, so the hub keeps serving. A built-in route
 * that cannot be created stops start-up instead.
 */
@Component("routesHealthIndicator")
class RoutesHealth implements HealthIndicator {

    /** Reported as HTTP 200 (management.endpoint.health.status.http-mapping): the hub works, one file does not. */
    static final Status DEGRADED = new Status("DEGRADED", "a route file failed to load; the hub runs its other routes");

    private final RouteFiles files;

    RoutesHealth(RouteFiles files) {
        this.files = files;
    }

    @Override
    public Health health() {
        List<RouteFile.LoadError> failures = files.failures();
        Health.Builder health = failures.isEmpty() ? Health.up() : Health.status(DEGRADED);
        return health.withDetail("files", files.counts())
                .withDetail("failed", failures.stream().map(RouteFile.LoadError::describe).toList()).build();
    }
}
