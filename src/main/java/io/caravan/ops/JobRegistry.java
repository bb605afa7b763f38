package io.caravan.ops;

import io.caravan.core.CaravanProperties;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * All jobs of this hub: those the flows declare as {@link JobDefinition} beans, plus those declared in
 * {@code caravan.jobs}, which may also re-schedule or disable a flow's job. Fails startup naming the key that is wrong.
 */
@Component
public class JobRegistry {

    private final Map<String, JobDefinition> jobs;

    public JobRegistry(ObjectProvider<JobDefinition> declared, ObjectProvider<JobSource> sources, CaravanProperties properties) {
        Map<String, JobDefinition> all = new LinkedHashMap<>();
        declared.orderedStream().forEach(job -> add(all, job));
        sources.orderedStream().flatMap(source -> source.jobs().stream()).forEach(job -> add(all, job));
        properties.jobs().forEach((name, spec) -> {
            String key = "caravan.jobs." + name;
            try {
                ZoneId zone = spec.timeZone() == null ? null : ZoneId.of(spec.timeZone());
                JobDefinition existing = all.get(name);
                if (existing != null) {
                    all.put(name, existing.withSchedule(spec.cron(), zone, spec.enabled()));
                } else {
                    if (spec.endpoint() == null) {
                        throw new IllegalArgumentException("no flow declares this job, so it needs an endpoint");
                    }
                    all.put(name, new JobDefinition(name, spec.cron(), zone, spec.endpoint(), Map.of(), spec.enabled(),
                            spec.description()));
                }
            } catch (DateTimeException | IllegalArgumentException e) {
                throw new IllegalStateException("Invalid job configuration " + key + ": " + e.getMessage(), e);
            }
        });
        this.jobs = Collections.unmodifiableMap(all);
    }

    private static void add(Map<String, JobDefinition> all, JobDefinition job) {
        if (all.putIfAbsent(job.name(), job) != null) {
            throw new IllegalStateException("Two jobs are named '" + job.name() + "'");
        }
    }

    public Collection<JobDefinition> all() {
        return jobs.values();
    }

    public List<String> names() {
        return List.copyOf(jobs.keySet());
    }

    public Optional<JobDefinition> find(String name) {
        return Optional.ofNullable(jobs.get(name));
    }

    public JobDefinition get(String name) {
        return find(name).orElseThrow(() -> new UnknownJobException(name, names()));
    }

    /** For flows whose jobs come from configuration lists (one job per Metabase card, say). */
    public interface JobSource {
        List<JobDefinition> jobs();
    }
}
