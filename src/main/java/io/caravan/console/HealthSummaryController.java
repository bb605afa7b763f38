package io.caravan.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The health view's numbers: each health indicator's status (PostgreSQL, Redis, Camel, datasets, ...) and every
 * Caravan gauge and counter, read from the same meter registry that /actuator/prometheus scrapes, named as Prometheus
 * names them.
 */
@RestController
@RequestMapping("/api/console/health")
public class HealthSummaryController {

    public record Check(String name, String status, Map<String, Object> details) {
    }

    /** A value of null is NaN in Prometheus (e.g. a dataset never synced). */
    public record Metric(String name, Map<String, String> tags, Double value) {
    }

    public record Summary(List<Check> checks, List<Metric> metrics) {
    }

    private final HealthContributorRegistry health;
    private final MeterRegistry meters;

    public HealthSummaryController(HealthContributorRegistry health, MeterRegistry meters) {
        this.health = health;
        this.meters = meters;
    }

    @GetMapping
    public Summary summary() {
        List<Check> checks = new ArrayList<>();
        for (NamedContributor<HealthContributor> contributor : health) {
            collect(contributor.getName(), contributor.getContributor(), checks);
        }
        List<Metric> metrics = new ArrayList<>();
        for (Meter meter : meters.getMeters()) {
            String name = meter.getId().getName();
            if (!name.startsWith("caravan")) {
                continue;
            }
            Double value = value(meter);
            if (value == null) {
                continue;
            }
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag tag : meter.getId().getTags()) {
                tags.put(tag.getKey(), tag.getValue());
            }
            metrics.add(new Metric(prometheusName(meter), tags, value.isNaN() || value.isInfinite() ? null : value));
        }
        metrics.sort(Comparator.comparing(Metric::name).thenComparing(metric -> metric.tags().toString()));
        return new Summary(checks, metrics);
    }

    private static void collect(String name, HealthContributor contributor, List<Check> checks) {
        if (contributor instanceof HealthIndicator indicator) {
            Health result;
            try {
                result = indicator.health();
            } catch (RuntimeException e) {
                result = Health.down(e).build();
            }
            checks.add(new Check(name, result.getStatus().getCode(), result.getDetails()));
        } else if (contributor instanceof CompositeHealthContributor composite) {
            for (NamedContributor<HealthContributor> child : composite) {
                collect(name + "/" + child.getName(), child.getContributor(), checks);
            }
        }
    }

    private static Double value(Meter meter) {
        if (meter instanceof Gauge gauge) {
            return gauge.value();
        }
        if (meter instanceof Counter counter) {
            return counter.count();
        }
        if (meter instanceof FunctionCounter counter) {
            return counter.count();
        }
        return null; // timers and summaries: Grafana's job
    }

    static String prometheusName(Meter meter) {
        String name = meter.getId().getName().replace('.', '_');
        boolean counter = meter instanceof Counter || meter instanceof FunctionCounter;
        return counter && !name.endsWith("_total") ? name + "_total" : name;
    }
}
