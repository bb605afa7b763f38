package io.caravan.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.OutputNode;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every route of the CamelContext, read from Camel's route model, grouped into flows (the route's group, else the
 * first word of its id): its input, its steps in order (nested steps under their parent) and each step's counts
 * and mean time from {@link StepStatistics}. Nothing here names a route, so new routes show up by themselves.
 */
@RestController
@RequestMapping("/api/console/flows")
public class FlowsController {

    public record StepView(String id, String kind, String label, int depth, long exchanges, long failures, double meanMillis,
                           double maxMillis, double totalMillis, Instant lastAt) {
    }

    public record RouteView(String id, String description, String from, String status, Instant startedAt, String source,
                            long exchanges, long failures, List<StepView> steps) {
    }

    public record FlowView(String name, List<RouteView> routes) {
    }

    private final CamelContext camel;
    private final StepStatistics statistics;

    public FlowsController(CamelContext camel, StepStatistics statistics) {
        this.camel = camel;
        this.statistics = statistics;
    }

    @GetMapping
    public List<FlowView> flows() {
        Map<String, List<RouteView>> flows = new TreeMap<>();
        // Routes made from a template (each Metabase card's) are listed too: their definitions carry template=true.
        for (RouteDefinition definition : ((ModelCamelContext) camel).getRouteDefinitions()) {
            RouteView route = route(definition);
            flows.computeIfAbsent(flowName(definition), name -> new ArrayList<>()).add(route);
        }
        List<FlowView> result = new ArrayList<>();
        flows.forEach((name, routes) -> {
            routes.sort(java.util.Comparator.comparing(RouteView::id));
            result.add(new FlowView(name, routes));
        });
        return result;
    }

    static String flowName(RouteDefinition definition) {
        if (definition.getGroup() != null && !definition.getGroup().isBlank()) {
            return definition.getGroup();
        }
        String id = definition.getRouteId() == null ? "route" : definition.getRouteId();
        int dash = id.indexOf('-');
        return (dash > 0 ? id.substring(0, dash) : id).toLowerCase(Locale.ROOT);
    }

    private RouteView route(RouteDefinition definition) {
        String id = definition.getRouteId();
        List<StepView> steps = new ArrayList<>();
        for (ProcessorDefinition<?> output : definition.getOutputs()) {
            walk(id, output, 0, steps);
        }
        Route runtime = id == null ? null : camel.getRoute(id);
        ServiceStatus status = id == null ? null : camel.getRouteController().getRouteStatus(id);
        // The route's own count is its first step's: every exchange the route takes in passes it.
        StepView first = steps.isEmpty() ? null : steps.get(0);
        long failures = steps.stream().filter(step -> step.depth() == 0).mapToLong(StepView::failures).sum();
        String description = definition.getDescriptionText();
        return new RouteView(id, description, definition.getInput() == null ? null : definition.getInput().getEndpointUri(),
                status == null ? "Unknown" : status.name(),
                runtime == null || runtime.getUptimeMillis() <= 0 ? null : Instant.ofEpochMilli(System.currentTimeMillis() - runtime.getUptimeMillis()),
                shortLocation(definition.getLocation()), first == null ? 0 : first.exchanges(), failures, steps);
    }

    /**
     * Where the route was written, without this machine's directories: {@code classpath:routes/x.yaml} for the
     * built-in files, the file name for an engineer's own directory.
     */
    static String shortLocation(String location) {
        if (location == null) {
            return null;
        }
        String path = location.replaceFirst("^(file|classpath):", "");
        int classes = path.indexOf("/classes/");
        if (classes >= 0) {
            return "classpath:" + path.substring(classes + "/classes/".length());
        }
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    private void walk(String routeId, OptionalIdentifiedDefinition<?> node, int depth, List<StepView> steps) {
        String nodeId = node.getId();
        StepStatistics.Step step = nodeId == null ? null : statistics.get(routeId, nodeId);
        int at = steps.size();
        List<? extends OptionalIdentifiedDefinition<?>> children = children(node);
        for (OptionalIdentifiedDefinition<?> child : children) {
            walk(routeId, child, depth + 1, steps);
        }
        StepView view;
        if (step == null && steps.size() > at) {
            // Not a processor of its own (a choice's when/otherwise): it counts what entered its first step.
            StepView first = steps.get(at);
            view = new StepView(nodeId, node.getShortName(), label(node), depth, first.exchanges(), first.failures(),
                    first.meanMillis(), first.maxMillis(), first.totalMillis(), first.lastAt());
        } else {
            view = new StepView(nodeId, node.getShortName(), label(node), depth,
                    step == null ? 0 : step.exchanges(), step == null ? 0 : step.failures(),
                    step == null ? 0 : step.meanMillis(), step == null ? 0 : step.maxMillis(),
                    step == null ? 0 : step.totalMillis(),
                    step == null || step.lastAtEpochMillis() == 0 ? null : Instant.ofEpochMilli(step.lastAtEpochMillis()));
        }
        steps.add(at, view);
    }

    /** A choice's outputs, as the DSL builds them, are its last branch's steps; its branches are what it holds. */
    private static List<? extends OptionalIdentifiedDefinition<?>> children(OptionalIdentifiedDefinition<?> node) {
        if (node instanceof ChoiceDefinition choice) {
            List<OptionalIdentifiedDefinition<?>> branches = new ArrayList<>(choice.getWhenClauses());
            if (choice.getOtherwise() != null) {
                branches.add(choice.getOtherwise());
            }
            return branches;
        }
        if (node instanceof ProcessorDefinition<?> processor) {
            return processor.getOutputs() == null ? List.of() : processor.getOutputs();
        }
        if (node instanceof OutputNode output) {
            return output.getOutputs() == null ? List.of() : output.getOutputs();
        }
        return List.of();
    }

    private static String label(OptionalIdentifiedDefinition<?> node) {
        String description = node.getDescriptionText();
        String label = node.getLabel();
        if (description != null && !description.isBlank()) {
            return description + (label == null ? "" : " (" + label + ")");
        }
        return label;
    }
}
