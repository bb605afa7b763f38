package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** A hub with bad configuration or a broken route refuses to start and says what is wrong and where. */
class StartupValidationIT {

    private final String schema = TestEnvironment.newSchema();

    @AfterEach
    void dropSchema() {
        TestEnvironment.dropSchema(schema);
    }

    private static String failureOf(Map<String, Object> properties, String schema) {
        Throwable error = catchThrowable(() -> Hubs.start(schema, properties).close());
        assertThat(error).as("startup should fail").isNotNull();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void refusesToRunTheApiOpenWithoutAToken() {
        assertThat(failureOf(Map.of("caravan.admin.token", ""), schema))
                .contains("admin.token").contains("CARAVAN_ADMIN_TOKEN");
    }

    @Test
    void namesTheJobKeyOfABadCronOrZone() {
        assertThat(failureOf(Map.of("caravan.jobs.nightly.cron", "every night at nine",
                "caravan.jobs.nightly.endpoint", "direct:heartbeat"), schema))
                .contains("caravan.jobs.nightly").contains("not a Quartz cron expression");
        assertThat(failureOf(Map.of("caravan.jobs.nightly.cron", "0 0 9 * * ?",
                "caravan.jobs.nightly.time-zone", "Mars/Olympus_Mons",
                "caravan.jobs.nightly.endpoint", "direct:heartbeat"), schema))
                .contains("caravan.jobs.nightly").contains("Mars/Olympus_Mons");
    }

    @Test
    void namesTheKeyOfAnAbandonedRunSweepIntervalThatIsTooShortOrNoDuration() {
        assertThat(failureOf(Map.of("caravan.runs.abandoned-sweep-interval", "500ms"), schema))
                .contains("caravan.runs.abandoned-sweep-interval must be set and at least 1s", "PT0.5S");
        assertThat(failureOf(Map.of("caravan.runs.abandoned-sweep-interval", "every minute"), schema))
                .contains("caravan.runs.abandoned-sweep-interval").contains("every minute");
    }

    @Test
    void aBrokenRouteFileStopsStartupNamingTheFileAndLine(@TempDir Path routes) throws Exception {
        Files.writeString(routes.resolve("orders-broken.yaml"), """
                - route:
                    id: orders
                    from:
                      uri: direct:orders
                      steps:
                        - log: "fine so far"
                        - nonsenseStep:
                            foo: bar
                """);
        String failure = failureOf(Map.of("caravan.routes.dir", routes.toString()), schema);
        assertThat(failure).contains("orders-broken.yaml").containsPattern("line (7|8)");
    }

    @Test
    void aMetabaseCardWithABadTableNameOrNoUpsertKeyStopsStartupNamingTheCard() {
        Map<String, Object> card = Map.of("caravan.metabase.url", "http://127.0.0.1:9",
                "caravan.metabase.api-key", "mb_key",
                "caravan.metabase.cards[0].name", "vendors",
                "caravan.metabase.cards[0].id", "101");
        Map<String, Object> badTable = new java.util.HashMap<>(card);
        badTable.put("caravan.metabase.cards[0].table", "vendors; DROP TABLE orders");
        assertThat(failureOf(badTable, schema)).contains("card 'vendors': table", "vendors; DROP TABLE orders",
                "is not a valid identifier");
        Map<String, Object> noKey = new java.util.HashMap<>(card);
        noKey.put("caravan.metabase.cards[0].mode", "upsert");
        assertThat(failureOf(noKey, schema)).contains("card 'vendors': mode upsert needs key[]");
    }

    @Test
    void aMissingRouteDirectoryIsNamed() {
        assertThat(failureOf(Map.of("caravan.routes.dir", "/nonexistent/caravan-routes"), schema))
                .contains("caravan.routes.dir").contains("no such directory");
    }

    @Test
    void routesFromTheExternalDirectoryAreLoaded(@TempDir Path routes) throws Exception {
        Files.writeString(routes.resolve("extra.yaml"), """
                - route:
                    id: engineer-extra
                    from:
                      uri: direct:extra
                      steps:
                        - setBody:
                            constant: "hello"
                """);
        try (ConfigurableApplicationContext hub = Hubs.start(schema, Map.of("caravan.routes.dir", routes.toString()))) {
            CamelContext camel = hub.getBean(CamelContext.class);
            assertThat(camel.getRoute("engineer-extra")).isNotNull();
            assertThat(camel.createProducerTemplate().requestBody("direct:extra", "", String.class)).isEqualTo("hello");
        }
    }
}
