package io.caravan.ops;

import java.time.ZoneId;

/**
 * A job as the operator sees it: a route that starts {@code from: quartz:<group>/<name>}. Quartz fires it on its cron
 * in its time zone on exactly one hub instance; {@link JobPolicy} records the run, holds the lock and obeys pause.
 *
 * @param name        the Quartz trigger name, e.g. {@code amazon-prices}
 * @param group       the Quartz group ({@code caravan} for Caravan's own routes)
 * @param routeId     the route that does the work
 * @param cron        Quartz cron with seconds, after any {@code caravan.jobs.<name>.cron} override
 * @param timeZone    the zone the cron is read in
 * @param enabled     false ({@code caravan.jobs.<name>.enabled=false}) skips scheduled fires; an operator can still run it
 * @param description the route's {@code description}
 */
public record Job(String name, String group, String routeId, String cron, ZoneId timeZone, boolean enabled,
                  String description) {
}
