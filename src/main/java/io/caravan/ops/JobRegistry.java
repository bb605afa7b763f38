package io.caravan.ops;

import io.caravan.core.CaravanProperties;
import io.caravan.core.CaravanProperties.JobSpec;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;
import org.quartz.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Every job of this hub: each started route that begins {@code from: quartz:...}, whichever file it came from.
 * {@link JobPolicy} adds a job when its route starts and removes it when the route stops. {@code caravan.jobs.<name>}
 * re-schedules ({@code cron}, {@code time-zone}) or disables a job without editing its route, or declares a job that
 * sends to an {@code endpoint}; a wrong value stops start-up naming the key.
 */
@Component
public class JobRegistry {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    private final Map<String, JobSpec> overrides;
    private final Map<String, Job> started = new ConcurrentSkipListMap<>();
    private final Map<String, String> routeOfJob = new ConcurrentHashMap<>();

    public JobRegistry(CaravanProperties properties) {
        properties.jobs().forEach(JobRegistry::validate);
        this.overrides = properties.jobs();
    }

    private static void validate(String name, JobSpec spec) {
        String key = "caravan.jobs." + name;
        try {
            checkName(name);
            if (spec.cron() != null) {
                checkCron(name, spec.cron());
            }
            if (spec.timeZone() != null) {
                ZoneId.of(spec.timeZone());
            }
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new IllegalStateException("Invalid job configuration " + key + ": " + e.getMessage(), e);
        }
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job name '" + name + "' must be lower-case letters, digits and '-'");
        }
    }

    static void checkCron(String name, String cron) {
        if (cron == null || !CronExpression.isValidExpression(cron)) {
            throw new IllegalArgumentException("job '" + name + "': '" + cron
                    + "' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. 0 0 9 * * ?)");
        }
    }

    private final Set<String> disabledByDefault = ConcurrentHashMap.newKeySet();

    /** For a flow whose own settings switch one of its jobs off (a card with enabled: false); caravan.jobs still wins. */
    public void disableByDefault(String name) {
        disabledByDefault.add(name);
    }

    boolean enabled(String name) {
        JobSpec spec = overrides.get(name);
        return spec != null ? spec.enabled() : !disabledByDefault.contains(name);
    }

    /** {@code caravan.jobs.<name>}, if configured. */
    public Optional<JobSpec> override(String name) {
        return Optional.ofNullable(overrides.get(name));
    }

    /** Jobs declared only in configuration, with an endpoint to send to. */
    Map<String, JobSpec> declaredInConfiguration() {
        Map<String, JobSpec> declared = new ConcurrentSkipListMap<>();
        overrides.forEach((name, spec) -> {
            if (spec.endpoint() != null && !spec.endpoint().isBlank()) {
                declared.put(name, spec);
            }
        });
        return declared;
    }

    /** Reserves the job name for a route, at route initialisation: two routes may not fire the same job. */
    void claim(String name, String routeId) {
        checkName(name);
        String other = routeOfJob.putIfAbsent(name, routeId);
        if (other != null && !other.equals(routeId)) {
            throw new IllegalStateException("Two routes are the job '" + name + "': " + other + " and " + routeId
                    + " (a route's quartz:<group>/<name> names its job; give one of them another name)");
        }
    }

    void release(String name, String routeId) {
        routeOfJob.remove(name, routeId);
        started.computeIfPresent(name, (n, job) -> job.routeId().equals(routeId) ? null : job);
    }

    void started(Job job) {
        started.put(job.name(), job);
        onChange.run();
    }

    void stopped(String name) {
        started.remove(name);
        onChange.run();
    }

    private volatile Runnable onChange = () -> { };

    /** Called after each job's route starts or stops (JobHubs records the set for the cluster). */
    void onChange(Runnable listener) {
        this.onChange = listener;
    }

    public Collection<Job> all() {
        return started.values();
    }

    public List<String> names() {
        return List.copyOf(started.keySet());
    }

    public Optional<Job> find(String name) {
        return Optional.ofNullable(started.get(name));
    }

    public Job get(String name) {
        return find(name).orElseThrow(() -> new UnknownJobException(name, names()));
    }
}
