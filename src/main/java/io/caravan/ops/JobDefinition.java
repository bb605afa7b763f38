package io.caravan.ops;

import java.time.ZoneId;
import java.util.Map;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * A scheduled job: Quartz fires it on its cron in its time zone, on exactly one hub instance, and
 * {@link JobRunner} sends one exchange to {@code endpoint} with {@code headers}.
 * Flows declare their jobs as beans of this type; {@code caravan.jobs.<name>} can add jobs or override them.
 *
 * @param name     lower-case words joined by '-', e.g. {@code metabase-vendors}; also the Quartz trigger name
 * @param cron     Quartz cron with seconds, e.g. {@code 0 0 9 * * ?}
 * @param timeZone the zone the cron is read in
 * @param endpoint the Camel endpoint that does the work
 * @param headers  extra headers for that endpoint (e.g. which card to sync)
 * @param enabled  false keeps the job off the schedule but lets an operator run it
 */
public record JobDefinition(String name, String cron, ZoneId timeZone, String endpoint, Map<String, Object> headers,
                            boolean enabled, String description) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    public JobDefinition {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job name '" + name + "' must be lower-case letters, digits and '-'");
        }
        if (cron == null || !CronExpression.isValidExpression(cron)) {
            throw new IllegalArgumentException("job '" + name + "': '" + cron
                    + "' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. 0 0 9 * * ?)");
        }
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("job '" + name + "' has no endpoint");
        }
        timeZone = timeZone == null ? ZoneId.of("UTC") : timeZone;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        description = description == null ? "" : description;
    }

    public static JobDefinition of(String name, String cron, String timeZone, String endpoint) {
        return new JobDefinition(name, cron, timeZone == null ? null : ZoneId.of(timeZone), endpoint, Map.of(), true, null);
    }

    public JobDefinition withSchedule(String newCron, ZoneId newZone, boolean nowEnabled) {
        return new JobDefinition(name, newCron == null ? cron : newCron, newZone == null ? timeZone : newZone, endpoint,
                headers, nowEnabled, description);
    }
}
