package io.caravan.routes;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Loads the directory's route files once Camel has started the built-in routes, first among the start-up hooks (so a
 * card whose route a file declares is not made again from the template), then starts the watch. A file that fails
 * stops start-up naming it: camel-spring-boot only logs an exception from this hook, so it is thrown again once the
 * application has started, which ends {@code SpringApplication.run} with it.
 */
@Component
class RouteFilesStartUp implements CamelContextConfiguration, Ordered {

    private final RouteFiles files;
    private final ObjectProvider<RouteFilesWatcher> watcher;
    private volatile RuntimeException failure;

    RouteFilesStartUp(RouteFiles files, ObjectProvider<RouteFilesWatcher> watcher) {
        this.files = files;
        this.watcher = watcher;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        try {
            files.loadAll();
        } catch (RuntimeException e) {
            failure = e;
            return;
        }
        watcher.ifAvailable(RouteFilesWatcher::start);
    }

    @EventListener(ApplicationStartedEvent.class)
    void failOnAFileThatDidNotLoad() {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
