package io.caravan.metabase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.ops.Job;
import io.caravan.ops.JobRegistry;
import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.HubTest;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The metabase-card template as a route: its steps run in the documented order, a failing step takes the documented
 * path (the load rolls back, sync_runs says failed, no event), and a templatedRoute in a route file makes a card's route.
 */
@HubTest
// A property the route loader reads while the environment is prepared, so not a @DynamicPropertySource.
@TestPropertySource(properties = "caravan.routes.dir=src/test/resources/metabase-routes")
@CamelSpringBootTest
class MetabaseCardRouteTest {

    static final WireMockServer metabase = new WireMockServer(options().dynamicPort());
    static final String API_KEY = "mb_route_key_9f1c";
    static final String TARGET = "mbroute_" + UUID.randomUUID().toString().substring(0, 8);

    static {
        metabase.start();
    }

    @DynamicPropertySource
    static void cards(DynamicPropertyRegistry properties) {
        properties.add("caravan.metabase.url", metabase::baseUrl);
        properties.add("caravan.metabase.api-key", () -> API_KEY);
        properties.add("caravan.metabase.retries", () -> "1");
        properties.add("mbroute.schema", () -> TARGET);
        properties.add("caravan.metabase.cards[0].name", () -> "routed");
        properties.add("caravan.metabase.cards[0].id", () -> "401");
        properties.add("caravan.metabase.cards[0].schema", () -> TARGET);
        properties.add("caravan.metabase.cards[0].invalidate.keys[0]", () -> TARGET + ":routed");
        properties.add("caravan.metabase.cards[1].name", () -> "declared");
        properties.add("caravan.metabase.cards[1].id", () -> "402");
        properties.add("caravan.metabase.cards[1].schema", () -> TARGET);
    }

    @AfterAll
    static void cleanUp() {
        metabase.stop();
        TestEnvironment.dropSchema(TARGET);
    }

    @Autowired
    CamelContext camel;
    @Autowired
    JobRunner jobs;
    @Autowired
    JobRegistry registry;
    @Autowired
    JobRunRepository runs;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    MockEndpoint journey;
    static boolean advised;

    @BeforeEach
    void adviseOnce() throws Exception {
        journey = camel.getEndpoint("mock:journey", MockEndpoint.class);
        if (advised) {
            journey.reset();
            return;
        }
        AdviceWith.adviceWith(camel, "metabase-routed", route -> {
            for (String step : new String[] {"sync-run", "metadata", "drift-check", "export", "load"}) {
                route.weaveById(step).after().setHeader("step").constant(step).to("mock:journey");
            }
        });
        advised = true;
        journey.reset();
    }

    @Test
    void stepsRunInTheJourneysOrderAndTheLoadPublishesTheEvent() throws Exception {
        metadata(401, "{\"name\":\"id\",\"display_name\":\"ID\",\"base_type\":\"type/Integer\"}");
        export(401, "ID\n1\n2\n3\n");
        journey.expectedMessageCount(5);
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("metabase-routed").whenCompleted(1).create();

        JobRun run = runJob("metabase-routed");

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        journey.assertIsSatisfied();
        assertThat(journey.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("step"))
                .containsExactly("sync-run", "metadata", "drift-check", "export", "load");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(run.rows()).isEqualTo(3);
        @SuppressWarnings("unchecked")
        Map<String, Object> event = journey.getReceivedExchanges().get(4).getMessage().getBody(Map.class);
        assertThat(event).containsEntry("dataset", "metabase.routed").containsEntry("rows", 3L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + TARGET + ".routed", Long.class)).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT status FROM sync_runs WHERE job_run_id = ?", String.class, run.id())).isEqualTo("succeeded");
        assertThat(syncDurations("routed", "succeeded")).isPositive();
    }

    @Test
    void aRouteThatEndsWithoutItsLoadClosesTheSyncFailedAndTimesIt() {
        metadata(402, "{\"name\":\"code\",\"display_name\":\"Code\",\"base_type\":\"type/Text\"}");
        long timed = syncDurations("declared", "failed");
        long before = jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM sync_runs", Long.class);

        camel.createProducerTemplate().sendBody("direct:metabase-no-load", null);

        Map<String, Object> sync = jdbc.queryForMap("SELECT status, error FROM sync_runs WHERE id > ? AND card = 'declared'", before);
        assertThat(sync).containsEntry("status", "failed")
                .containsEntry("error", "card declared: the route ended without a pgload: step");
        assertThat(syncDurations("declared", "failed")).as("the failed sync is in the duration timer").isEqualTo(timed + 1);
    }

    private long syncDurations(String card, String outcome) {
        io.micrometer.core.instrument.Timer timer = meters.find("caravan.metabase.sync.duration").tag("card", card)
                .tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void aFailingExportRollsBackClosesSyncRunsFailedAndPublishesNoEvent() throws Exception {
        metadata(401, "{\"name\":\"id\",\"display_name\":\"ID\",\"base_type\":\"type/Integer\"}");
        export(401, "ID\n7\n8\n");
        assertThat(runJob("metabase-routed").status()).isEqualTo("succeeded");
        long events = events();
        journey.reset();
        // Rows, then Metabase's error trailer: COPY has started, the load must roll back.
        export(401, "ID\n9\n10\n{\"status\":\"failed\",\"error\":\"statement timeout\"}");
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("metabase-routed").whenFailed(1).create();

        JobRun run = runJob("metabase-routed");

        assertThat(failed.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error()).contains("card routed", "failed query after 2 rows", "statement timeout");
        assertThat(journey.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("step"))
                .as("the load step never completed").containsExactly("sync-run", "metadata", "drift-check", "export");
        assertThat(jdbc.queryForList("SELECT id FROM " + TARGET + ".routed ORDER BY id", Long.class)).containsExactly(7L, 8L);
        Map<String, Object> sync = jdbc.queryForMap("SELECT status, error FROM sync_runs WHERE job_run_id = ?", run.id());
        assertThat(sync).containsEntry("status", "failed");
        assertThat((String) sync.get("error")).startsWith("card routed: ").contains("statement timeout");
        assertThat(events()).as("no dataset.changed for a failed load").isEqualTo(events);
    }

    @Test
    void aCardsRouteFromTheSettingsIsItsJobWithItsDescription() {
        Job job = registry.get("metabase-routed");
        assertThat(job.routeId()).isEqualTo("metabase-routed");
        assertThat(job.cron()).isEqualTo("0 0 9 * * ?");
        assertThat(job.description()).isEqualTo("Syncs Metabase card 401 into " + TARGET + ".routed (replace)");
    }

    @Test
    void aTemplatedRouteInARouteFileIsTheCardsRouteAndJob() {
        Job job = registry.get("metabase-declared");
        assertThat(job.routeId()).isEqualTo("metabase-declared");
        assertThat(job.cron()).as("the file's schedule, not the card's default").isEqualTo("0 15 4 * * ?");
        assertThat(job.timeZone().getId()).isEqualTo("Asia/Tehran");
        assertThat(job.description()).isEqualTo("Declared in a route file");
        metadata(402, "{\"name\":\"code\",\"display_name\":\"Code\",\"base_type\":\"type/Text\"}");
        export(402, "Code\nab\ncd\n");

        JobRun run = runJob("metabase-declared");

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(jdbc.queryForList("SELECT code FROM " + TARGET + ".declared ORDER BY code", String.class)).containsExactly("ab", "cd");
    }

    @Test
    void theApiKeyIsInNoEndpointUriRouteDumpOrMetric() throws Exception {
        assertThat(camel.getEndpoints()).isNotEmpty().allSatisfy(endpoint -> assertThat(endpoint.getEndpointUri()).doesNotContain(API_KEY));
        String routes = ((org.apache.camel.model.ModelCamelContext) camel).getRouteDefinitions().toString();
        assertThat(routes).contains("metabase:card/").contains("pgload:");
        assertThat(camel.getRoutes()).allSatisfy(route -> assertThat(route.getEndpoint().getEndpointUri() + route.getDescription())
                .doesNotContain(API_KEY));
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://localhost:" + port + "/actuator/prometheus")).header("Authorization", "Bearer " + io.caravan.support.TestEnvironment.SCRAPE_TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("routeId=\"metabase-routed\"").doesNotContain(API_KEY);
        assertThat(routes).doesNotContain(API_KEY);
    }

    private long events() {
        return jdbc.queryForObject("SELECT count(*) FROM outbox WHERE type = 'dataset.changed' AND payload->>'dataset' = 'metabase.routed'",
                Long.class);
    }

    private JobRun runJob(String job) {
        // The previous run's lock is released just after its row says finished.
        long id = Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreException(io.caravan.ops.JobAlreadyRunningException.class)
                .until(() -> jobs.startNow(job), r -> true);
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.find(id).orElseThrow(), r -> !r.status().equals("running"));
    }

    private static void metadata(int card, String columns) {
        metabase.stubFor(get(urlPathEqualTo("/api/card/" + card)).withQueryParam("ignore_view", equalTo("true"))
                .willReturn(okJson("{\"id\":" + card + ",\"result_metadata\":[" + columns + "]}")));
    }

    private static void export(int card, String csv) {
        metabase.stubFor(post(urlEqualTo("/api/card/" + card + "/query/csv"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/csv").withBody(csv)));
    }
}
