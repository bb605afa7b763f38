package io.caravan.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route files of {@code caravan.routes.dir}, loaded one file at a time. A file's routes are the unit: loading a
 * changed file stops and removes only that file's routes (by route id) and adds its new ones; built-in routes and other
 * files' routes keep running. A file that fails to load (YAML error, unknown endpoint or option, duplicate id, bad
 * template parameter) gets its previous version back, so its old routes keep running, and the error is kept with file,
 * line and column. Camel 4.17's own reload cannot do this (it removes every route by default and restores nothing
 * after a failed load; see docs/routes.md), so the directory is not given to Camel's routes-include-pattern.
 */
public class RouteFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);

    private final CamelContext camel;
    private final Path directory;
    private final QuartzTriggers triggers;
    /** Directory files by file name; guarded by {@code this} for changes, read freely. */
    private final Map<String, Loaded> files = new ConcurrentHashMap<>();

    /** What a directory file has running now, and its last failure if the latest version did not load. */
    private record Loaded(String location, byte[] content, List<String> routeIds, Instant loadedAt,
                          byte[] failedContent, RouteFile.LoadError error) {
        Loaded failed(byte[] content, RouteFile.LoadError error) {
            return new Loaded(location, this.content, routeIds, loadedAt, content, error);
        }
    }

    public RouteFiles(CamelContext camel, Path directory, QuartzTriggers triggers) {
        this.camel = camel;
        this.directory = directory;
        this.triggers = triggers;
    }

    public Path directory() {
        return directory;
    }

    /** At start-up: every file of the directory, in name order; the first that fails stops start-up, naming it. */
    public synchronized void loadAll() {
        if (directory == null) {
            return;
        }
        for (Path file : yamlFiles()) {
            RouteFile.LoadError error = load(file);
            if (error != null) {
                throw new IllegalStateException("Route file " + error.describe());
            }
        }
    }

    /** The directory's {@code *.yaml} files now, in name order. */
    public List<Path> yamlFiles() {
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list caravan.routes.dir " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads (or re-loads) one file. Returns null when its routes run its current content, else the error, with the
     * previous version's routes still running.
     */
    public synchronized RouteFile.LoadError load(Path path) {
        String name = path.getFileName().toString();
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            return fail(name, "file:" + path, null, LoadErrors.of(name, null, "cannot read: " + e));
        }
        Loaded current = files.get(name);
        if (current != null && Arrays.equals(current.content, content)) {
            if (current.error != null) {
                files.put(name, new Loaded(current.location, current.content, current.routeIds, current.loadedAt, null, null));
            }
            return null;
        }
        if (current != null && current.failedContent != null && Arrays.equals(current.failedContent, content)) {
            return current.error;
        }
        String location = "file:" + path.toAbsolutePath().normalize();
        List<String> before = current == null ? List.of() : current.routeIds;
        Parsed parsed;
        try {
            parsed = parse(location, content);
        } catch (Exception e) {
            return fail(name, location, content, LoadErrors.of(name, e, List.of()));
        }
        RouteFile.LoadError duplicate = duplicateId(name, parsed, before);
        if (duplicate != null) {
            return fail(name, location, content, duplicate);
        }
        Set<QuartzTriggers.Key> oldTriggers = triggers.of(routes(before));
        try {
            removeRoutes(before);
            List<String> added = add(parsed, location);
            files.put(name, new Loaded(location, content, added, Instant.now(), null, null));
            triggers.removeUnused(oldTriggers, camel);
            LOG.info("Route file {} {}: routes {}", name, current == null ? "loaded" : "reloaded", added);
            return null;
        } catch (Exception e) {
            RouteFile.LoadError error = LoadErrors.of(name, e, parsed.definitions);
            try {
                removeRoutes(parsed.ids().stream().filter(id -> !before.contains(id) || camel.getRoute(id) != null).toList());
            } catch (RuntimeException cleanup) {
                LOG.warn("Route file {}: removing what its failed version added: {}", name, cleanup.getMessage());
            }
            if (current != null) {
                restore(name, current);
            }
            return fail(name, location, content, error);
        }
    }

    /** The file is gone: its routes stop and go, and so do their Quartz triggers (see docs/routes.md, N hubs). */
    public synchronized void remove(String name) {
        Loaded current = files.remove(name);
        if (current == null) {
            return;
        }
        Set<QuartzTriggers.Key> oldTriggers = triggers.of(routes(current.routeIds));
        try {
            removeRoutes(current.routeIds);
        } catch (Exception e) {
            LOG.error("Route file {} was deleted, but its routes {} could not all be removed: {}", name, current.routeIds, e.toString());
        }
        triggers.removeUnused(oldTriggers, camel);
        LOG.info("Route file {} deleted: routes {} removed", name, current.routeIds);
    }

    /** Names of the directory files this hub has loaded or tried to. */
    public Set<String> known() {
        return Set.copyOf(files.keySet());
    }

    /** Every route file, built-in ones first, each with its routes' state in Camel now. */
    public List<RouteFile> all() {
        Map<String, List<RouteFile.Route>> builtIn = new TreeMap<>();
        Set<String> inDirectory = new LinkedHashSet<>();
        files.values().forEach(f -> inDirectory.addAll(f.routeIds));
        for (Route route : camel.getRoutes()) {
            if (inDirectory.contains(route.getRouteId())) {
                continue;
            }
            String location = route.getSourceLocationShort() != null ? route.getSourceLocation() : null;
            String file = location == null ? "(java)" : location.replaceFirst(":\\d+$", "");
            builtIn.computeIfAbsent(file, f -> new ArrayList<>()).add(state(route.getRouteId()));
        }
        List<RouteFile> all = new ArrayList<>();
        builtIn.forEach((location, routes) -> {
            routes.sort(Comparator.comparing(RouteFile.Route::id));
            String file = location.substring(location.lastIndexOf('/') + 1);
            // Built-in files are loaded from classpath:routes/; Camel reports where that resolved (file:/.../target/
            // classes or jar:...!/), which names the build machine's folders and says nothing to an operator.
            String shown = "(java)".equals(location) ? location : "classpath:routes/" + file;
            all.add(new RouteFile(file, shown, RouteFile.BUILT_IN, RouteFile.LOADED, routes, null, null));
        });
        new TreeMap<>(files).forEach((name, f) -> all.add(new RouteFile(name, f.location, RouteFile.DIRECTORY,
                f.error == null ? RouteFile.LOADED : RouteFile.FAILED,
                f.routeIds.stream().map(this::state).toList(), f.loadedAt, f.error)));
        return all;
    }

    private RouteFile.Route state(String id) {
        return new RouteFile.Route(id, String.valueOf(camel.getRouteController().getRouteStatus(id)));
    }

    private RouteFile.LoadError fail(String name, String location, byte[] content, RouteFile.LoadError error) {
        Loaded current = files.get(name);
        files.put(name, current == null
                ? new Loaded(location, null, List.of(), null, content, error)
                : current.failed(content, error));
        LOG.error("Route file {} ({})", error.describe(), current == null || current.routeIds.isEmpty()
                ? "it has no routes running" : "its previous routes " + current.routeIds + " keep running");
        return error;
    }

    private void restore(String name, Loaded previous) {
        try {
            List<String> restored = add(parse(previous.location, previous.content), previous.location);
            files.put(name, new Loaded(previous.location, previous.content, restored, previous.loadedAt, null, null));
        } catch (Exception e) {
            LOG.error("Route file {}: its previous version could not be restored either: {}", name, LoadErrors.message(e));
            files.put(name, new Loaded(previous.location, previous.content, List.of(), previous.loadedAt, null, null));
        }
    }

    /** The file's builders and route definitions, parsed but not added: ids are checked before anything stops. */
    private record Parsed(List<RouteBuilder> builders, List<RouteDefinition> definitions, List<String> templated) {
        List<String> ids() {
            List<String> ids = new ArrayList<>(templated);
            definitions.stream().map(RouteDefinition::getRouteId).filter(id -> id != null).forEach(ids::add);
            return ids;
        }
    }

    private Parsed parse(String location, byte[] content) throws Exception {
        Resource resource = ResourceHelper.fromBytes(location, content);
        List<RouteBuilder> builders = new ArrayList<>();
        List<RouteDefinition> definitions = new ArrayList<>();
        List<String> templated = new ArrayList<>();
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
            if (!(builder instanceof RouteBuilder routeBuilder)) {
                throw new IllegalArgumentException("not a route file Caravan can load (" + builder.getClass().getName() + ")");
            }
            definitions.addAll(routeBuilder.configureRoutes(camel).getRoutes());
            routeBuilder.getTemplatedRouteCollection().getTemplatedRoutes().stream()
                    .map(TemplatedRouteDefinition::getRouteId).filter(id -> id != null).forEach(templated::add);
            builders.add(routeBuilder);
        }
        return new Parsed(builders, definitions, templated);
    }

    private RouteFile.LoadError duplicateId(String name, Parsed parsed, List<String> before) {
        Set<String> seen = new LinkedHashSet<>();
        for (String id : parsed.ids()) {
            Integer line = parsed.definitions.stream().filter(d -> id.equals(d.getRouteId()) && d.getLineNumber() > 0)
                    .map(RouteDefinition::getLineNumber).findFirst().orElse(null);
            if (!seen.add(id)) {
                return LoadErrors.of(name, line, "duplicate route id '" + id + "' in this file");
            }
            if (!before.contains(id) && camel.getRoute(id) != null) {
                return LoadErrors.of(name, line, "duplicate route id '" + id + "': route " + id + " already runs, from "
                        + owner(id) + "; give this route another id");
            }
        }
        return null;
    }

    private String owner(String id) {
        for (Map.Entry<String, Loaded> file : files.entrySet()) {
            if (file.getValue().routeIds.contains(id)) {
                return file.getKey();
            }
        }
        Route route = camel.getRoute(id);
        return route != null && route.getSourceLocationShort() != null ? route.getSourceLocationShort() : "a built-in route";
    }

    private List<String> add(Parsed parsed, String location) throws Exception {
        Set<String> existing = new LinkedHashSet<>();
        camel.getRoutes().forEach(r -> existing.add(r.getRouteId()));
        for (RouteBuilder builder : parsed.builders) {
            builder.addRoutesToCamelContext(camel);
        }
        // Camel's routes loader adds templated routes in a second pass, once every file's templates are known.
        for (RouteBuilder builder : parsed.builders) {
            builder.addTemplatedRoutesToCamelContext(camel);
        }
        List<String> added = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            if (!existing.contains(route.getRouteId())) {
                added.add(route.getRouteId());
            }
        }
        added.sort(null);
        return added;
    }

    private List<Route> routes(List<String> ids) {
        return ids.stream().map(camel::getRoute).filter(r -> r != null).toList();
    }

    /** Stops and removes the routes and their definitions, so an id can be used again. */
    private void removeRoutes(List<String> ids) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<Exception> failures = new ArrayList<>();
        for (String id : ids) {
            try {
                RouteDefinition definition = model.getRouteDefinition(id);
                if (definition != null) {
                    model.removeRouteDefinition(definition);
                }
                if (camel.getRoute(id) != null) {
                    camel.getRouteController().stopRoute(id);
                    camel.removeRoute(id);
                }
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not remove routes " + ids + ": " + failures.get(0).getMessage(), failures.get(0));
        }
    }

    /** Counts of directory files by status, for the gauge: loaded and failed. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(RouteFile.LOADED, files.values().stream().filter(f -> f.error == null).count());
        counts.put(RouteFile.FAILED, files.values().stream().filter(f -> f.error != null).count());
        return counts;
    }

    /** Directory files whose latest version failed to load, with their errors. */
    public List<RouteFile.LoadError> failures() {
        return new TreeMap<>(files).values().stream().map(Loaded::error).filter(e -> e != null).toList();
    }
}
