package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.HubProcess;
import io.caravan.support.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The packaged jar ({@code java -jar target/caravan-*.jar}, production class path only) on another JDK than the
 * build's, against dev mode's fakes: a card sync, a price run and a deal post, each through the operator API and
 * checked where it lands (the card table, the run record, the fake Telegram's channel). The build targets Java 17;
 * this is the check that the same jar runs on the newest JDK too. {@code caravan.smoke.java-home} names that JDK
 * ({@code .ci/run} finds a JDK 25 and passes {@code -Dcaravan.smoke.java-home=...}, which Failsafe hands to the test
 * JVM as it does every user property); without it the test is skipped.
 */
class PackagedHubSmokeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final String SCHEMA = TestEnvironment.newSchema();
    private static final String CARDS = SCHEMA + "_cards";

    @AfterAll
    static void dropSchemas() {
        TestEnvironment.dropSchema(SCHEMA);
        TestEnvironment.dropSchema(CARDS);
    }

    @Test
    void theJarSyncsACardRunsThePriceChecksAndPostsADeal() throws Exception {
        String javaHome = System.getProperty("caravan.smoke.java-home", "");
        Assumptions.assumeFalse(javaHome.isBlank(), "caravan.smoke.java-home is not set (.ci/run sets it to a JDK 25)");
        Path jar = packagedJar();

        Map<String, Object> settings = new LinkedHashMap<>(DevCaravan.settings());
        settings.keySet().removeAll(Set.of("caravan.db.schema", "caravan.instance-name", "caravan.admin.token"));
        // Nothing fires by itself: each step below is started through the operator API, as an operator would.
        settings.replaceAll((key, value) -> key.endsWith(".cron") ? "0 0 3 * * ?" : value);
        for (int card = 0; card < 3; card++) {
            settings.put("caravan.metabase.cards[" + card + "].schema", CARDS);
        }
        // A first start of the jar: it extracts itself and starts from the copy (io.caravan.core.ExtractedLaunch).
        Path launchCache = Path.of("target", "hub-processes", "launch-cache-smoke").toAbsolutePath();
        FileSystemUtils.deleteRecursively(launchCache);
        Instant started = Instant.now();
        try (HubProcess hub = HubProcess.startJar("smoke", SCHEMA, settings, Path.of(javaHome), jar, launchCache, Duration.ofMinutes(3))) {
            assertThat(hub.get("/actuator/info").statusCode()).isEqualTo(200);
            assertThat(hub.output()).as("the jar started from its extracted copy")
                    .contains("caravan: extracted " + jar.toAbsolutePath()).doesNotContain("starting from the nested jars");

            assertThat(run(hub, "metabase-vendors").path("rows").asLong()).as("vendors synced").isPositive();
            assertThat(rows(CARDS + ".vendors")).isPositive();

            assertThat(run(hub, "amazon-discovery").path("status").asText()).isEqualTo("succeeded");
            JsonNode prices = run(hub, "amazon-prices");
            assertThat(prices.path("rows").asLong()).as("products checked").isPositive();

            // A quarter of the fake's products are on a deal at any time: the first run finds some, the outbox posts them.
            FakeTelegram.Sent post = await().atMost(STEP).pollInterval(Duration.ofMillis(500))
                    .until(() -> channelPostSince(started), Optional::isPresent).orElseThrow();
            assertThat(post.chatId()).startsWith("@caravan_");
            assertThat(post.text()).contains("%");
        }
    }

    /** Starts the job through the operator API and waits for its run to finish; the run must have succeeded. */
    private static JsonNode run(HubProcess hub, String job) throws IOException {
        var started = hub.post("/api/jobs/" + job + "/run");
        assertThat(started.statusCode()).as(job + " run: " + started.body()).isEqualTo(202);
        String location = JSON.readTree(started.body()).path("run").asText();
        JsonNode finished = await(job).atMost(STEP).pollInterval(Duration.ofMillis(250))
                .until(() -> JSON.readTree(hub.get(location).body()), run -> !"running".equals(run.path("status").asText()));
        assertThat(finished.path("status").asText()).as(job + " run " + finished + "\n" + hub.tail(30)).isEqualTo("succeeded");
        return finished;
    }

    private static Optional<FakeTelegram.Sent> channelPostSince(Instant since) {
        return DevConfiguration.TELEGRAM.sentNewestFirst().stream()
                .filter(sent -> sent.chatId().startsWith("@caravan_") && sent.at().isAfter(since)).findFirst();
    }

    private static long rows(String table) throws SQLException {
        try (Connection connection = TestEnvironment.connect("public"); Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
            count.next();
            return count.getLong(1);
        }
    }

    private static Path packagedJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().matches("caravan-.*\\.jar")
                    && !f.getFileName().toString().endsWith("-plain.jar")).toList();
            assertThat(jars).as("the packaged hub in target/ (Failsafe runs after package)").hasSize(1);
            return jars.get(0);
        }
    }
}
