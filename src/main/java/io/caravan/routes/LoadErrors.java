package io.caravan.routes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Turns whatever Camel throws while loading a route file into file, line, column and message. A YAML error carries its
 * mark; a route Camel cannot create (unknown scheme or option, bad template parameter) names its route and the step
 * ({@code at: >>> to[nosuchscheme:foo] <<<}), whose line the YAML DSL records on the definition.
 */
final class LoadErrors {

    private LoadErrors() {
    }

    static RouteFile.LoadError of(String file, Throwable failure, List<RouteDefinition> definitions) {
        Integer line = null;
        Integer column = null;
        Optional<Mark> mark = yamlMark(failure);
        if (mark.isPresent()) {
            line = mark.get().getLine() + 1;
            column = mark.get().getColumn() + 1;
        } else {
            Integer known = stepLine(failure, definitions);
            line = known;
        }
        return new RouteFile.LoadError(file, line, column, message(failure), Instant.now());
    }

    static RouteFile.LoadError of(String file, Integer line, String message) {
        return new RouteFile.LoadError(file, line, null, message, Instant.now());
    }

    /** The outermost message plus the root cause's, which usually says what was wrong. */
    static String message(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = firstLine(failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
        String inner = firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
        return root == failure || outer.contains(inner) ? outer : outer + " (" + inner + ")";
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }

    private static Optional<Mark> yamlMark(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYamlEngineException marked && marked.getProblemMark().isPresent()) {
                return marked.getProblemMark();
            }
        }
        return Optional.empty();
    }

    /** The line of the step named in {@code at: >>> ... <<<}, else of the failing route, where the DSL recorded it. */
    private static Integer stepLine(Throwable failure, List<RouteDefinition> definitions) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FailedToCreateRouteException created) {
                String message = String.valueOf(created.getMessage());
                String at = between(message, ">>> ", " <<<");
                for (RouteDefinition route : definitions) {
                    if (route.getRouteId() != null && route.getRouteId().equals(created.getRouteId())) {
                        if (at != null) {
                            for (ProcessorDefinition<?> step : steps(route)) {
                                if (at.equals(step.toString()) && positive(step)) {
                                    return step.getLineNumber();
                                }
                            }
                        }
                        return positive(route) ? route.getLineNumber() : positive(route.getInput()) ? route.getInput().getLineNumber() : null;
                    }
                }
            }
        }
        return null;
    }

    private static boolean positive(OptionalIdentifiedDefinition<?> definition) {
        return definition != null && definition.getLineNumber() > 0;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        int to = from < 0 ? -1 : text.indexOf(end, from + start.length());
        return to < 0 ? null : text.substring(from + start.length(), to);
    }

    private static List<ProcessorDefinition<?>> steps(RouteDefinition route) {
        List<ProcessorDefinition<?>> all = new ArrayList<>();
        collect(route.getOutputs(), all);
        return all;
    }

    private static void collect(List<ProcessorDefinition<?>> outputs, List<ProcessorDefinition<?>> into) {
        for (ProcessorDefinition<?> step : outputs) {
            into.add(step);
            collect(step.getOutputs(), into);
        }
    }
}
