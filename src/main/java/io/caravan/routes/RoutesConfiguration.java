package io.caravan.routes;

import io.caravan.core.CaravanProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Route files as state: the directory's files loaded one at a time ({@link RouteFiles}), watched when
 * {@code caravan.routes.reload=true}, listed at {@code /api/routes}, in health ({@code routes}) and in
 * {@code caravan_route_files{status}}; and a job's fire that lands on a hub without its route handed on.
 */
@Configuration(proxyBeanMethods = false)
class RoutesConfiguration {

    @Bean
    RouteFiles routeFiles(CamelContext camel, CaravanProperties properties, MeterRegistry meters) {
        String dir = properties.routes().dir();
        RouteFiles files = new RouteFiles(camel, dir == null || dir.isBlank() ? null : Path.of(dir).toAbsolutePath().normalize(),
                new QuartzTriggers());
        for (String status : new String[] {RouteFile.LOADED, RouteFile.FAILED}) {
            Gauge.builder("caravan.route.files", files, f -> f.counts().get(status))
                    .description("Route files of caravan.routes.dir by the state of their latest version")
                    .tag("status", status).register(meters);
        }
        return files;
    }

    @Bean(destroyMethod = "close")
    RouteFilesWatcher routeFilesWatcher(RouteFiles files, CaravanProperties properties) {
        return properties.routes().reload() && files.directory() != null
                ? new RouteFilesWatcher(files, properties.routes().reloadInterval()) : null;
    }

    @Bean
    QuartzHandover quartzHandover(CamelContext camel, Scheduler scheduler, CaravanProperties properties, MeterRegistry meters)
            throws SchedulerException {
        QuartzHandover handover = new QuartzHandover(camel, scheduler, properties.routes().handoverWindow(), meters);
        scheduler.getListenerManager().addTriggerListener(handover);
        return handover;
    }

}
