package io.caravan.routes;

import java.time.Instant;
import java.util.List;

/**
 * One route file as {@code GET /api/routes} shows it.
 *
 * @param file     the file's name ({@code telegram-posts.yaml})
 * @param location where it was loaded from ({@code classpath:routes/...} or {@code file:/...})
 * @param source   {@code built-in} (in the jar) or {@code directory} ({@code caravan.routes.dir})
 * @param status   {@code loaded}, or {@code failed} when its last load failed (its previous routes, if any, still run)
 * @param routes   the routes it made and that run now, each with Camel's status (Started, Stopped, ...)
 * @param loadedAt when its running version was loaded
 * @param error    why the last load failed, else null
 */
public record RouteFile(String file, String location, String source, String status, List<Route> routes,
                        Instant loadedAt, LoadError error) {

    public static final String BUILT_IN = "built-in";
    public static final String DIRECTORY = "directory";
    public static final String LOADED = "loaded";
    public static final String FAILED = "failed";

    /** A route of the file and its state in Camel. */
    public record Route(String id, String status) {
    }

    /**
     * A failed load: the file, the line and column where Camel knows them (a YAML error, the step that could not be
     * created), and Camel's message.
     */
    public record LoadError(String file, Integer line, Integer column, String message, Instant at) {

        /** "file line L, column C: message", as the log, start-up failures and health show it. */
        public String describe() {
            return file + (line == null ? "" : " line " + line + (column == null ? "" : ", column " + column)) + ": " + message;
        }
    }
}
