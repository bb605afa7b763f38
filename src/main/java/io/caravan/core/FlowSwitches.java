package io.caravan.core;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Says which flows this hub runs, as properties a route file can name: {@code autoStartup: "{{caravan.flow.amazon}}"}.
 * A flow is on when its outside service is configured (the same rule as its Spring configuration), so the route files
 * of a flow that is off stay loaded but are not started, and their jobs are not scheduled.
 * <ul>
 *   <li>{@code caravan.flow.metabase}: {@code caravan.metabase.url} is set</li>
 *   <li>{@code caravan.flow.amazon}: {@code caravan.amazon.client-id} is set</li>
 *   <li>{@code caravan.flow.telegram}: a bot token is set, or {@code caravan.telegram.dry-run=true}</li>
 *   <li>{@code caravan.flow.telegram-bot}: a bot token is set</li>
 *   <li>{@code caravan.flow.telegram-polling}: a bot token is set and {@code caravan.telegram.mode} is polling</li>
 *   <li>{@code caravan.flow.alerts-telegram}: {@code caravan.telegram.admin-chat-id} is set (the alert is queued even
 *   while the bot has no token, as deal posts are)</li>
 *   <li>{@code caravan.flow.alerts-slack}: {@code caravan.alerts.slack.webhook-url} is set</li>
 *   <li>{@code caravan.flow.alerts-email}: {@code caravan.alerts.email.host} and {@code caravan.alerts.email.to} are set</li>
 * </ul>
 * An explicit setting of one of these keys wins (to switch a flow's routes off by hand).
 */
public class FlowSwitches implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean token = set(environment, "caravan.telegram.token");
        boolean dryRun = environment.getProperty("caravan.telegram.dry-run", Boolean.class, false);
        String mode = environment.getProperty("caravan.telegram.mode", "polling").trim();
        Map<String, Object> flows = new LinkedHashMap<>();
        flows.put("caravan.flow.metabase", set(environment, "caravan.metabase.url"));
        flows.put("caravan.flow.amazon", set(environment, "caravan.amazon.client-id"));
        flows.put("caravan.flow.telegram", token || dryRun);
        flows.put("caravan.flow.telegram-bot", token);
        flows.put("caravan.flow.telegram-polling", token && "polling".equals(mode));
        flows.put("caravan.flow.alerts-telegram", set(environment, "caravan.telegram.admin-chat-id"));
        flows.put("caravan.flow.alerts-slack", set(environment, "caravan.alerts.slack.webhook-url"));
        flows.put("caravan.flow.alerts-email", set(environment, "caravan.alerts.email.host")
                && (set(environment, "caravan.alerts.email.to") || set(environment, "caravan.alerts.email.to[0]")));
        flows.keySet().removeIf(environment::containsProperty);
        environment.getPropertySources().addLast(new MapPropertySource("caravanFlows", flows));
    }

    private static boolean set(ConfigurableEnvironment environment, String key) {
        return !environment.getProperty(key, "").trim().isEmpty();
    }
}
