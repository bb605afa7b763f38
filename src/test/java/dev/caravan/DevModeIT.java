package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The README's promise to a new user: the dev-mode hub (what {@code ./mvnw spring-boot:test-run} starts) fills the
 * card tables, finds deals and posts them within two minutes — here on a schema of its own, with the same fakes and
 * settings. The same hub, with every flow on, is scraped to check the Grafana dashboard and the alert rules query
 * only metrics it really exports.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class DevModeIT {

    /** Metric names as PromQL uses them: our own, Camel's, Spring's HTTP and the JVM's. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:caravan|camel|http_server|jvm|process)_[a-z0-9_]+)\\b");
    private static final Duration FIRST_RUN_LIMIT = Duration.ofMinutes(2);

    static final String SCHEMA = TestEnvironment.newSchema();
    static final String CARDS = SCHEMA + "_cards";
    /** As in dev mode: polygons are geometry where PostGIS can be had (not on the embedded PostgreSQL), else text. */
    static final boolean POSTGIS = TestEnvironment.postgisMissing() == null;
    static ConfigurableApplicationContext hub;
    static JdbcTemplate jdbc;
    static long startedAt;
    static java.time.Instant started;

    @BeforeAll
    static void startDevHub() {
        Map<String, Object> settings = new LinkedHashMap<>(DevCaravan.settings());
        // The test's own schema, token and port (Hubs sets them); its own card tables and Redis keys.
        settings.keySet().removeAll(Set.of("caravan.db.schema", "caravan.instance-name", "caravan.admin.token"));
        for (int card = 0; card < 3; card++) {
            settings.put("caravan.metabase.cards[" + card + "].schema", CARDS);
        }
        settings.put("caravan.metabase.cards[0].invalidate.patterns[0]", SCHEMA + ":dash:vendors:*");
        settings.put("caravan.metabase.cards[1].invalidate.tags[0]", SCHEMA + ":orders");
        if (POSTGIS) {
            settings.put("caravan.metabase.cards[2].geometry[0]", "polygon");
        }
        startedAt = System.nanoTime();
        started = java.time.Instant.now();
        hub = Hubs.start(SCHEMA, settings, DevConfiguration.class);
        jdbc = hub.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        TestEnvironment.dropSchema(SCHEMA);
        TestEnvironment.dropSchema(CARDS);
    }

    @Test
    void withinTwoMinutesCardTablesAreFilledDealsAreFoundAndPosted() throws Exception {
        for (String table : new String[] {"vendors", "orders", "delivery_areas"}) {
            await().atMost(FIRST_RUN_LIMIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> rows(CARDS + "." + table), count -> count > 0);
            System.out.printf("dev mode: %s filled after %.1f s%n", table, seconds());
        }
        await().atMost(FIRST_RUN_LIMIT).pollInterval(Duration.ofMillis(500)).until(() -> rows(SCHEMA + ".active_deals"), count -> count > 0);
        System.out.printf("dev mode: first deal in active_deals after %.1f s%n", seconds());

        FakeTelegram.Sent post = await().atMost(FIRST_RUN_LIMIT).pollInterval(Duration.ofMillis(500))
                .until(DevModeIT::firstChannelPost, java.util.Optional::isPresent).orElseThrow();
        System.out.printf("dev mode: first deal post on /dev/telegram after %.1f s%n", seconds());
        assertThat(post.chatId()).startsWith("@caravan_");
        assertThat(post.text()).contains("%");
        String caption = post.text().lines().findFirst().orElseThrow();
        assertThat(page("/dev/telegram").body()).contains(DevTelegramPage.telegramHtml(caption));

        assertThat(rows(CARDS + ".vendors")).isEqualTo(jdbc.queryForObject(
                "SELECT count(DISTINCT vendor_id) FROM " + CARDS + ".vendors", Long.class));
        long catalogue = (long) FakeAmazon.CATEGORIES.size() * FakeAmazon.PRODUCTS_PER_CATEGORY;
        await("discovery ran at startup").atMost(Duration.ofSeconds(30)).until(() -> rows(SCHEMA + ".products"), count -> count == catalogue);
        if (POSTGIS) {
            String postgis = jdbc.queryForObject("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                    + " WHERE e.extname = 'postgis'", String.class);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM " + CARDS + ".delivery_areas WHERE \"" + postgis
                    + "\".ST_IsValid(polygon) AND \"" + postgis + "\".GeometryType(polygon) = 'POLYGON'", Long.class))
                    .as("delivery areas are PostGIS polygons").isEqualTo(rows(CARDS + ".delivery_areas"));
        }
        assertThat(seconds()).isLessThan(FIRST_RUN_LIMIT.toSeconds());
    }

    @Test
    void aCommandSentFromTheDevPageIsAnsweredByTheBot() throws Exception {
        long chat = 900_000 + (System.nanoTime() % 10_000);
        HttpResponse<String> said = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base() + "/dev/telegram/say"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("chatId=" + chat + "&lang=tr&text=%2Fcategories")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(said.statusCode()).isEqualTo(303);

        FakeTelegram.Sent reply = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> DevConfiguration.TELEGRAM.sentNewestFirst().stream()
                        .filter(m -> m.chatId().equals(String.valueOf(chat)) && m.method().equals("sendMessage")).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
        assertThat(reply.buttons()).as("subscribe buttons per category").isNotBlank();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + SCHEMA + ".telegram_updates", Long.class)).isPositive();
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // after the bot has answered, so its update counter exists
    void dashboardsAndAlertsQueryOnlyMetricsTheHubExports() throws Exception {
        // Flow metrics appear once their flows have worked: a card synced, a price checked, a deal found.
        await().atMost(FIRST_RUN_LIMIT).pollInterval(Duration.ofSeconds(1)).until(() -> rows(SCHEMA + ".active_deals"), count -> count > 0);
        Set<String> queried = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("monitoring/grafana/dashboards")),
                Stream.of(Path.of("monitoring/prometheus/alerts.yml")))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher names = METRIC.matcher(Files.readString(file));
                while (names.find()) {
                    queried.add(names.group(1));
                }
            }
        }
        assertThat(queried).contains("caravan_job_runs_total", "caravan_outbox_pending", "caravan_dataset_age_seconds",
                "caravan_amazon_checks_total", "caravan_telegram_sent_total");

        Set<String> exported = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                .until(DevModeIT::exportedMetrics, names -> names.containsAll(queried));
        assertThat(exported).containsAll(queried);
    }

    private static java.util.Optional<FakeTelegram.Sent> firstChannelPost() {
        return DevConfiguration.TELEGRAM.sentNewestFirst().stream()
                .filter(m -> m.at().isAfter(started) && m.chatId().startsWith("@caravan_") && m.method().startsWith("send"))
                .reduce((newer, older) -> older);
    }

    private static String base() {
        return "http://127.0.0.1:" + hub.getEnvironment().getProperty("local.server.port");
    }

    private static HttpResponse<String> page(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> exportedMetrics() throws Exception {
        String scrape = page("/actuator/prometheus").body();
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]")[0]);
            }
        }
        return exported;
    }

    private static long rows(String table) {
        try {
            return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
        } catch (org.springframework.jdbc.BadSqlGrammarException notYet) {
            return 0;
        }
    }

    private static double seconds() {
        return (System.nanoTime() - startedAt) / 1e9;
    }
}
