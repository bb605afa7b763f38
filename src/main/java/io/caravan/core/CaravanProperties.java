package io.caravan.core;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings shared by every flow. Flows keep their own settings under {@code caravan.<flow>}.
 *
 * @param instanceName shown in job_runs and logs; defaults to the host name
 * @param db           where Caravan keeps its own tables
 * @param admin        the operator API's bearer token
 * @param routes       extra YAML routes loaded from a directory
 * @param jobs         jobs declared in configuration, or overrides (cron, time zone, enabled) of a flow's own jobs
 * @param runs         the sweep that marks runs of a dead process abandoned
 * @param metrics      who may scrape {@code /actuator/prometheus}, and how many endpoint tags a meter may have
 */
@Validated
@ConfigurationProperties("caravan")
public record CaravanProperties(
        @NotBlank String instanceName,
        @Valid @NotNull Db db,
        @Valid @NotNull Admin admin,
        @Valid @NotNull Routes routes,
        @Valid Map<String, JobSpec> jobs,
        @Valid @DefaultValue Runs runs,
        @Valid @DefaultValue Metrics metrics) {

    public CaravanProperties {
        jobs = jobs == null ? Map.of() : Map.copyOf(jobs);
    }

    public record Db(@NotBlank @Pattern(regexp = "[a-z_][a-z0-9_]{0,62}", message = "must be a lower-case SQL identifier") String schema) {
    }

    /** The API refuses to start without a token rather than run open. */
    public record Admin(@NotBlank(message = "must be set (environment variable CARAVAN_ADMIN_TOKEN): the operator API never runs open") String token) {
    }

    /**
     * @param dir            a directory of extra YAML route files (none when blank)
     * @param reload         watch {@code dir} and reload a file when it is added, changed or deleted (docs/routes.md)
     * @param reloadInterval how often the directory is looked at; a change is loaded once two looks agree, so within
     *                       about twice this (polling, not inotify: a shared mount's changes from another host show too)
     * @param handoverWindow how long a job's fire that lands on a hub without a started route for it is handed on to
     *                       the cluster before it is given up (logged and counted as lost)
     */
    public record Routes(String dir, boolean reload,
                         @DefaultValue("250ms") @DurationMin(millis = 50) Duration reloadInterval,
                         @DefaultValue("2m") @DurationMin(seconds = 1) Duration handoverWindow) {
    }

    /**
     * @param abandonedSweepInterval how often each hub looks for runs left {@code running} by a process that died
     *                               (besides once at start-up); a crashed hub's runs say {@code running} until then
     */
    public record Runs(@DefaultValue("1m") Duration abandonedSweepInterval) {

        /** Each sweep reads pg_locks for every running row: more often than once a second only loads PostgreSQL. */
        static final Duration MIN_SWEEP_INTERVAL = Duration.ofSeconds(1);

        public Runs {
            if (abandonedSweepInterval == null || abandonedSweepInterval.compareTo(MIN_SWEEP_INTERVAL) < 0) {
                throw new IllegalArgumentException("caravan.runs.abandoned-sweep-interval must be set and at least 1s (e.g. 1m), was "
                        + abandonedSweepInterval);
            }
        }
    }

    /**
     * @param scrapeToken      a bearer token that opens {@code /actuator/prometheus} and nothing else (Prometheus's
     *                         {@code authorization.credentials}); the admin token opens it too. Empty: only the admin
     *                         token does
     * @param openScrape       true leaves {@code /actuator/prometheus} open to anyone (dev mode); never in production:
     *                         metric tags name routes, endpoints and cards
     * @param maxEndpointTags  how many distinct endpoint URIs the meters may carry as tags (per tag key: endpointName,
     *                         uri, ...); meters for endpoints past that are not registered (an endpoint URI built from
     *                         data would otherwise grow the registry without end)
     */
    public record Metrics(String scrapeToken, @DefaultValue("false") boolean openScrape,
                          @DefaultValue("100") @jakarta.validation.constraints.Min(1) int maxEndpointTags) {
    }

    /**
     * A job declared or overridden in configuration.
     *
     * @param cron     Quartz cron expression with seconds, e.g. {@code 0 0 9 * * ?}
     * @param timeZone e.g. {@code Asia/Tehran}; defaults to UTC
     * @param endpoint Camel endpoint that does the work (needed for jobs no flow declares), e.g. {@code direct:my-route}
     * @param enabled  false removes the job from the schedule; it can still be run by hand
     */
    public record JobSpec(String cron, String timeZone, String endpoint, @DefaultValue("true") boolean enabled, String description) {
    }
}
