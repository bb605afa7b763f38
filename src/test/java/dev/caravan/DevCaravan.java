package dev.caravan;

import io.caravan.CaravanApplication;
import io.caravan.core.ClassPreloader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Dev mode: {@code ./mvnw spring-boot:test-run}. The hub against the local PostgreSQL and Redis (embedded ones where
 * none answers and none is configured: {@link DevServices}), with in-process fakes of Metabase, Amazon's Creators
 * API and the Telegram Bot API, and every job on a short schedule. Environment variables still win over these
 * settings.
 */
public final class DevCaravan {

    private DevCaravan() {
    }

    public static void main(String[] args) {
        ClassPreloader.start(DevCaravan.class.getClassLoader());
        try {
            start(args);
        } catch (Throwable failed) {
            // Spring has reported why; without this the fakes' and embedded services' threads keep a hub that never
            // started running, and `./mvnw spring-boot:test-run` would hang instead of failing.
            System.exit(1);
        }
    }

    /** The dev-mode hub, as {@code main} starts it (tests start it with their own arguments). */
    public static ConfigurableApplicationContext start(String... args) {
        Map<String, Object> dev = settings();
        return new SpringApplicationBuilder(CaravanApplication.class, DevConfiguration.class)
                // Also as defaults, which environment post-processors (the caravan.flow.* switches) already see.
                .properties(dev)
                .initializers(context -> {
                    context.getEnvironment().getPropertySources().addAfter(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new MapPropertySource("caravanDev", dev));
                    DevServices.prepare(context, dev);
                })
                .listeners(event -> {
                    if (event instanceof org.springframework.boot.context.event.ApplicationReadyEvent ready) {
                        String port = ready.getApplicationContext().getEnvironment().getProperty("local.server.port");
                        System.out.printf("%n  Caravan dev mode is up: http://localhost:%s/dev/telegram%n"
                                        + "  Operator API token: %s (curl -H 'Authorization: Bearer %s' localhost:%s/api/jobs)%n%n",
                                port, dev.get("caravan.admin.token"), dev.get("caravan.admin.token"), port);
                    }
                })
                .run(args);
    }

    /** Dev mode's settings: the fakes' addresses and credentials, every flow on, short schedules. */
    public static Map<String, Object> settings() {
        Map<String, Object> dev = new LinkedHashMap<>();
        dev.put("caravan.admin.token", System.getenv().getOrDefault("CARAVAN_ADMIN_TOKEN", "dev"));
        dev.put("caravan.db.schema", "caravan_dev");
        dev.put("caravan.instance-name", "dev");
        // Dev mode only: /actuator/prometheus open, as a local Prometheus or a curl expects it.
        dev.put("caravan.metrics.open-scrape", "true");
        dev.put("caravan.outbox.poll-interval", "1s");

        dev.put("caravan.metabase.url", DevConfiguration.METABASE.baseUrl());
        dev.put("caravan.metabase.api-key", DevConfiguration.METABASE_API_KEY);
        card(dev, 0, "vendors", FakeMetabase.VENDORS, "replace", "vendor_id", "*/30 * * * * ?");
        card(dev, 1, "orders", FakeMetabase.ORDERS, "upsert", "order_id", "15 * * * * ?");
        card(dev, 2, "delivery-areas", FakeMetabase.DELIVERY_AREAS, "replace", "area_id", "45 * * * * ?");
        dev.put("caravan.metabase.cards[0].invalidate.patterns[0]", "dash:vendors:*");
        dev.put("caravan.metabase.cards[1].invalidate.tags[0]", "orders");
        // caravan.metabase.cards[2].geometry[0] (polygon): where PostGIS can be had, see DevServices.

        dev.put("caravan.amazon.base-url", DevConfiguration.AMAZON.baseUrl());
        dev.put("caravan.amazon.token-url", DevConfiguration.AMAZON.baseUrl() + "/auth/o2/token");
        dev.put("caravan.amazon.client-id", DevConfiguration.AMAZON_CLIENT_ID);
        dev.put("caravan.amazon.client-secret", DevConfiguration.AMAZON_CLIENT_SECRET);
        dev.put("caravan.amazon.partner-tag", "caravan-21");
        dev.put("caravan.amazon.marketplace", "www.amazon.com.tr");
        dev.put("caravan.amazon.requests-per-second", "20");
        for (int i = 0; i < FakeAmazon.CATEGORIES.size(); i++) {
            FakeAmazon.Category category = FakeAmazon.CATEGORIES.get(i);
            String key = "caravan.amazon.categories[" + i + "].";
            dev.put(key + "slug", category.slug());
            dev.put(key + "name", category.name());
            dev.put(key + "browse-node-id", category.browseNodeId());
            dev.put(key + "keywords", category.keywords());
            dev.put(key + "min-discount-percent", "20");
            dev.put(key + "channel-chat-id", "@caravan_" + category.slug());
        }
        dev.put("caravan.jobs.amazon-discovery.cron", "0 */2 * * * ?");
        dev.put("caravan.jobs.amazon-prices.cron", "*/10 * * * * ?");
        // The fake's quota is no one's money: every run may check what is due, whatever the time of day (the smoke
        // test's first run must find products even just after midnight UTC, when discovery has used the day's share).
        dev.put("caravan.amazon.checks.spread-day-budget", "false");
        // The fake's deals last 3 minutes of every 12: check often enough to see them start and end.
        dev.put("caravan.amazon.checks.min-interval", "20s");
        dev.put("caravan.amazon.checks.max-interval", "1m");

        dev.put("caravan.telegram.token", DevConfiguration.TELEGRAM_TOKEN);
        dev.put("caravan.telegram.base-uri", DevConfiguration.TELEGRAM.baseUrl());
        dev.put("caravan.telegram.admin-chat-id", "1001");
        dev.put("caravan.telegram.mode", "polling");
        dev.put("caravan.jobs.telegram-updates.cron", "*/2 * * * * ?");
        return dev;
    }

    /**
     * Delivery-area polygons load as PostGIS geometry when the extension can be had; without it they stay WKT text
     * rather than failing the card on a machine that lacks the Debian package.
     */
    static boolean postgisReady(String jdbcUrl, String user, String password) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS postgis");
            return true;
        } catch (SQLException e) {
            LoggerFactory.getLogger(DevCaravan.class).info("dev mode: PostGIS is not available ({}); delivery-area polygons"
                    + " stay text. Debian: apt-get install postgresql-<version>-postgis-3",
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            return false;
        }
    }

    private static void card(Map<String, Object> dev, int index, String name, int id, String mode, String key, String cron) {
        String prefix = "caravan.metabase.cards[" + index + "].";
        dev.put(prefix + "name", name);
        dev.put(prefix + "id", String.valueOf(id));
        dev.put(prefix + "table", name.replace('-', '_'));
        dev.put(prefix + "mode", mode);
        dev.put(prefix + "key[0]", key);
        dev.put(prefix + "cron", cron);
        dev.put(prefix + "time-zone", "Asia/Tehran");
        dev.put(prefix + "allow-empty", "false");
    }
}
