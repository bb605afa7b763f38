package io.caravan.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code caravan.routes.reload=true}: looks at {@code caravan.routes.dir} every {@code reload-interval} and hands
 * each added, changed or deleted {@code *.yaml} to {@link RouteFiles}, one file at a time. A file is taken once two
 * looks see the same size and modification time, so an editor's half-written save is not loaded. Polling rather than
 * a file-system watch: a directory mounted from elsewhere (NFS, a Kubernetes volume) reports no events for changes made
 * on another host.
 */
public class RouteFilesWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFilesWatcher.class);

    private record Seen(long size, java.time.Instant modified) {
    }

    private final RouteFiles files;
    private final ScheduledExecutorService executor;
    private final Duration interval;
    private final Map<String, Seen> handled = new HashMap<>();
    private final Map<String, Seen> pending = new HashMap<>();

    public RouteFilesWatcher(RouteFiles files, Duration interval) {
        this.files = files;
        this.interval = interval;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "caravan-route-files");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** After the start-up load: what is there now counts as handled (a file that failed then is retried on change). */
    void start() {
        for (Path file : files.yamlFiles()) {
            handled.put(file.getFileName().toString(), seen(file));
        }
        executor.scheduleWithFixedDelay(this::look, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Watching {} for route file changes every {} ms", files.directory(), interval.toMillis());
    }

    void look() {
        try {
            Set<String> present = new HashSet<>();
            for (Path file : files.yamlFiles()) {
                String name = file.getFileName().toString();
                present.add(name);
                Seen now = seen(file);
                if (now == null || now.equals(handled.get(name))) {
                    pending.remove(name);
                } else if (now.equals(pending.get(name))) {
                    pending.remove(name);
                    handled.put(name, now);
                    files.load(file);
                } else {
                    pending.put(name, now);
                }
            }
            for (String name : Set.copyOf(handled.keySet())) {
                if (!present.contains(name)) {
                    handled.remove(name);
                    pending.remove(name);
                    files.remove(name);
                }
            }
            for (String name : files.known()) {
                if (!present.contains(name) && !handled.containsKey(name)) {
                    files.remove(name);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Looking at the route directory failed (will look again): {}", e.toString());
        }
    }

    private static Seen seen(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Seen(attributes.size(), attributes.lastModifiedTime().toInstant());
        } catch (IOException gone) {
            return null;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
