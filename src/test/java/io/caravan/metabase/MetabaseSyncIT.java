package io.caravan.metabase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.HubTest;
import io.caravan.support.TestEnvironment;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Metabase cards synced by their jobs in a whole hub: WireMock answers as Metabase does (CSV export headed by display
 * titles, result_metadata, failures inside 2xx bodies), PostgreSQL is real, and every target lives in a schema of
 * this test's own.
 */
@HubTest
class MetabaseSyncIT {

    static final WireMockServer metabase = new WireMockServer(options().dynamicPort());
    static final String TARGET = "mbt_" + UUID.randomUUID().toString().substring(0, 8);
    static final String API_KEY = "mb_test_key_3d9f";

    static {
        metabase.start();
    }

    @DynamicPropertySource
    static void cards(DynamicPropertyRegistry properties) {
        properties.add("caravan.metabase.url", metabase::baseUrl);
        properties.add("caravan.metabase.api-key", () -> API_KEY);
        properties.add("caravan.metabase.max-parallel", () -> "2");
        properties.add("caravan.metabase.retries", () -> "1");
        card(properties, 0, "edge", 201, "replace");
        card(properties, 1, "swap", 202, "replace");
        card(properties, 2, "orders", 203, "upsert");
        properties.add("caravan.metabase.cards[2].key[0]", () -> "order_id");
        properties.add("caravan.metabase.cards[2].indexes[0].columns[0]", () -> "status");
        properties.add("caravan.metabase.cards[2].indexes[1].columns[0]", () -> "vendor_id");
        properties.add("caravan.metabase.cards[2].indexes[1].columns[1]", () -> "ordered_at");
        card(properties, 3, "events", 204, "append");
        card(properties, 4, "fragile", 205, "replace");
        card(properties, 5, "evolving", 206, "replace");
        properties.add("caravan.metabase.cards[5].drift", () -> "evolve");
        card(properties, 6, "slow-a", 211, "replace");
        card(properties, 7, "slow-b", 212, "replace");
        card(properties, 8, "slow-c", 213, "replace");
        card(properties, 9, "broken", 214, "replace");
        card(properties, 10, "never", 215, "replace");
        properties.add("caravan.metabase.cards[10].max-age", () -> "1s");
        card(properties, 11, "fresh", 216, "replace");
    }

    private static void card(DynamicPropertyRegistry properties, int index, String name, int id, String mode) {
        String prefix = "caravan.metabase.cards[" + index + "].";
        properties.add(prefix + "name", () -> name);
        properties.add(prefix + "id", () -> String.valueOf(id));
        properties.add(prefix + "schema", () -> TARGET);
        properties.add(prefix + "mode", () -> mode);
        properties.add(prefix + "invalidate.keys[0]", () -> TARGET + ":" + name);
    }

    @AfterAll
    static void cleanUp() {
        metabase.stop();
        TestEnvironment.dropSchema(TARGET);
    }

    @Autowired
    JobRunner jobs;
    @Autowired
    JobRunRepository runs;
    @Autowired
    JdbcTemplate jdbc;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    @Test
    void unicodeNullsBigDecimalsOffsetsQuotedCommasAndNewlinesLoadExactly() {
        metadata(201, column("id", "ID", "type/Integer"), column("name", "Name", "type/Text"),
                column("note", "Note", "type/Text"), column("amount", "Amount", "type/Decimal"),
                column("ordered_at", "Ordered At", "type/DateTimeWithLocalTZ"), column("local_time", "Local Time", "type/DateTime"),
                column("delivered", "Delivered", "type/Boolean"), column("day", "Day", "type/Date"),
                column("payload", "Payload", "type/JSON"), column("ratio", "Ratio", "type/Float"));
        // The card's visualisation put Name first: columns are matched by title, not position.
        export(201, """
                Name,ID,Note,Amount,Ordered At,Local Time,Delivered,Day,Payload,Ratio
                پیتزا ایتالیا,1,"comma, inside",12345678901234567890.123456789,2026-03-01T09:00:00+03:30,2026-03-01T09:00:00,true,2026-03-01,"{""k"": ""v""}",0.25
                کباب,2,"line1
                line2",-0.5,2026-03-01T05:30:00Z,,false,,,
                ,3,"quote ""q"" and ✓",,,,,,,
                "سوشی ""توکیو""\",4,,0,2026-12-31T23:59:59.999-08:00,2026-12-31T23:59:59.999,true,2026-12-31,"[1,2]",-1.5E-7
                """);

        JobRun run = runJob("metabase-edge");

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(run.rows()).isEqualTo(4);
        List<List<Object>> rows = jdbc.query("SELECT id, name, note, amount, ordered_at, local_time, delivered, day, payload::text, ratio FROM "
                + TARGET + ".edge ORDER BY id", (rs, i) -> {
            List<Object> row = new ArrayList<>();
            row.add(rs.getLong(1));
            row.add(rs.getString(2));
            row.add(rs.getString(3));
            row.add(rs.getBigDecimal(4));
            row.add(rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant());
            row.add(rs.getObject(6, LocalDateTime.class));
            row.add(rs.getObject(7));
            row.add(rs.getObject(8, LocalDate.class));
            row.add(rs.getString(9));
            row.add(rs.getObject(10));
            return row;
        });
        assertThat(rows).containsExactly(
                list(1L, "پیتزا ایتالیا", "comma, inside", new BigDecimal("12345678901234567890.123456789"),
                        Instant.parse("2026-03-01T05:30:00Z"), LocalDateTime.parse("2026-03-01T09:00:00"), true,
                        LocalDate.parse("2026-03-01"), "{\"k\": \"v\"}", 0.25),
                list(2L, "کباب", "line1\nline2", new BigDecimal("-0.5"), Instant.parse("2026-03-01T05:30:00Z"), null, false, null, null, null),
                list(3L, null, "quote \"q\" and ✓", null, null, null, null, null, null, null),
                list(4L, "سوشی \"توکیو\"", null, new BigDecimal("0"), Instant.parse("2027-01-01T07:59:59.999Z"),
                        LocalDateTime.parse("2026-12-31T23:59:59.999"), true, LocalDate.parse("2026-12-31"), "[1, 2]", -1.5E-7));
        assertThat(jdbc.queryForObject("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
                + TARGET + ".edge'::regclass AND attname = 'ordered_at'", String.class)).isEqualTo("timestamp with time zone");

        Map<String, Object> sync = jdbc.queryForMap("SELECT * FROM sync_runs WHERE card = 'edge' ORDER BY id DESC LIMIT 1");
        assertThat(sync).containsEntry("status", "succeeded").containsEntry("rows", 4L).containsEntry("mode", "replace")
                .containsEntry("table_name", TARGET + ".edge").containsEntry("job_run_id", run.id());
        assertThat((Long) sync.get("bytes")).isGreaterThan(300L);
        assertThat(sync.get("columns").toString()).contains("\"name\": \"ordered_at\"", "\"title\": \"Ordered At\"");
        assertThat(jdbc.queryForObject("SELECT payload::text FROM outbox WHERE type = 'dataset.changed' AND payload->>'dataset' = 'metabase.edge'"
                + " ORDER BY id DESC LIMIT 1", String.class)).contains("\"keys\": [\"" + TARGET + ":edge\"]", "\"rows\": 4");
        metabase.verify(postRequestedFor(urlEqualTo("/api/card/201/query/csv"))
                .withHeader("x-api-key", equalTo(API_KEY))
                .withHeader("Content-Type", com.github.tomakehurst.wiremock.client.WireMock.containing("application/x-www-form-urlencoded"))
                .withFormParam("format_rows", equalTo("false"))
                .withFormParam("parameters", equalTo("[]")));
    }

    @Test
    void replaceShowsReadersTheWholeOldOrTheWholeNewTable() throws Exception {
        metadata(202, column("n", "N", "type/Integer"), column("generation", "Generation", "type/Text"));
        export(202, rows("g1", 20_000));
        assertThat(runJob("metabase-swap").status()).isEqualTo("succeeded");

        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<String> mixed = new ArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (reading.get()) {
                Map<String, Object> view = jdbc.queryForMap("SELECT count(*) AS rows, min(generation) AS lo, max(generation) AS hi FROM "
                        + TARGET + ".swap");
                String state = view.get("rows") + ":" + view.get("lo") + ":" + view.get("hi");
                seen.add(state);
                if (!state.equals("20000:g1:g1") && !state.equals("30000:g2:g2") && !state.equals("20000:g3:g3")) {
                    synchronized (mixed) {
                        mixed.add(state);
                    }
                }
            }
        });
        reader.start();
        try {
            export(202, rows("g2", 30_000));
            assertThat(runJob("metabase-swap").status()).isEqualTo("succeeded");
            // A downstream view pins the table's identity: this replace goes through TRUNCATE + INSERT instead of a swap.
            jdbc.execute("CREATE VIEW " + TARGET + ".swap_view AS SELECT generation FROM " + TARGET + ".swap");
            export(202, rows("g3", 20_000));
            assertThat(runJob("metabase-swap").status()).isEqualTo("succeeded");
        } finally {
            reading.set(false);
            reader.join();
        }
        assertThat(mixed).as("states a reader saw that are neither the whole old nor the whole new table").isEmpty();
        assertThat(seen).contains("20000:g3:g3");
        assertThat(jdbc.queryForList("SELECT DISTINCT generation FROM " + TARGET + ".swap_view", String.class)).containsExactly("g3");
    }

    @Test
    void upsertUpdatesByKeyAppendAddsAndDeclaredIndexesExist() {
        metadata(203, column("order_id", "Order ID", "type/BigInteger"), column("vendor_id", "Vendor ID", "type/Integer"),
                column("status", "Status", "type/Text"), column("ordered_at", "Ordered At", "type/DateTime"));
        export(203, """
                Order ID,Vendor ID,Status,Ordered At
                1,10,new,2026-01-01T10:00:00
                2,10,new,2026-01-01T11:00:00
                """);
        assertThat(runJob("metabase-orders").status()).isEqualTo("succeeded");
        export(203, """
                Order ID,Vendor ID,Status,Ordered At
                2,10,delivered,2026-01-01T11:00:00
                3,11,new,2026-01-01T12:00:00
                3,11,cancelled,2026-01-01T12:00:00
                """);
        JobRun second = runJob("metabase-orders");
        assertThat(second.status()).isEqualTo("succeeded");
        assertThat(second.rows()).as("rows after de-duplication on the key").isEqualTo(2);
        assertThat(jdbc.queryForList("SELECT order_id || ':' || status FROM " + TARGET + ".orders ORDER BY order_id", String.class))
                .containsExactly("1:new", "2:delivered", "3:cancelled");
        assertThat(jdbc.queryForList("SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = 'orders'", String.class, TARGET))
                .anyMatch(d -> d.startsWith("CREATE UNIQUE INDEX") && d.endsWith("(order_id)"))
                .anyMatch(d -> d.contains("USING btree (status)"))
                .anyMatch(d -> d.contains("USING btree (vendor_id, ordered_at)"));

        metadata(204, column("event", "Event", "type/Text"));
        export(204, "Event\na\nb\n");
        assertThat(runJob("metabase-events").status()).isEqualTo("succeeded");
        export(204, "Event\nc\n");
        assertThat(runJob("metabase-events").status()).isEqualTo("succeeded");
        assertThat(jdbc.queryForList("SELECT event FROM " + TARGET + ".events ORDER BY event", String.class)).containsExactly("a", "b", "c");
    }

    @Test
    void everyBadExportFailsTheRunNamesTheProblemAndKeepsThePreviousData() {
        metadata(205, column("id", "ID", "type/Integer"), column("name", "Name", "type/Text"));
        export(205, "ID,Name\n1,one\n2,two\n");
        assertThat(runJob("metabase-fragile").status()).isEqualTo("succeeded");

        Map<String, String> failures = new java.util.LinkedHashMap<>();
        failures.put("2xx with an error body", failsWith(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
                .withBody("{\"status\":\"failed\",\"error\":\"ERROR: relation \\\"vendors\\\" does not exist\",\"error_type\":\"invalid-query\"}")));
        failures.put("error trailer after rows", failsWith(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
                .withBody("ID,Name\n7,seven\n8,eight\n{\"status\":\"failed\",\"error\":\"canceling statement due to statement timeout\"}")));
        failures.put("HTML login page", failsWith(aResponse().withStatus(200).withHeader("Content-Type", "text/html;charset=utf-8")
                .withBody("<!DOCTYPE html><html><head><title>Metabase</title></head><body>Sign in</body></html>")));
        failures.put("stream cut mid-row", failsWith(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
                .withBody("ID,Name\n7,seven\n8,eig")));
        failures.put("stream cut inside quotes", failsWith(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
                .withBody("ID,Name\n7,\"sev")));
        failures.put("header does not match metadata", failsWith(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
                .withBody("ID,Nombre\n7,siete\n")));
        failures.put("value of the wrong type", failsWith(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
                .withBody("ID,Name\n7,seven\nx8,eight\n")));
        failures.put("HTTP 500 with a JSON error", failsWith(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Database connection failed\"}")));
        failures.put("API key refused", failsWith(aResponse().withStatus(401).withHeader("Content-Type", "text/plain").withBody("Unauthenticated")));

        metadata(205, column("id", "ID", "type/Integer"), column("name", "Name", "type/Text"), column("city", "City", "type/Text"));
        export(205, "ID,Name,City\n9,nine,Tehran\n");
        failures.put("drift under fail", failedRunError("metabase-fragile"));

        assertThat(failures.get("2xx with an error body")).contains("card fragile", "failed query", "relation \"vendors\" does not exist", "invalid-query");
        assertThat(failures.get("error trailer after rows")).contains("card fragile", "failed query after 2 rows", "statement timeout");
        assertThat(failures.get("HTML login page")).contains("card fragile", "HTML page");
        assertThat(failures.get("stream cut mid-row")).contains("card fragile", "ended in the middle of a row after 1 complete rows");
        assertThat(failures.get("stream cut inside quotes")).contains("card fragile", "inside a quoted field");
        assertThat(failures.get("header does not match metadata")).contains("card fragile", "does not match", "[Nombre]", "[Name]");
        assertThat(failures.get("value of the wrong type")).contains("card fragile", "invalid input syntax for type bigint", "x8", "line 2");
        assertThat(failures.get("HTTP 500 with a JSON error")).contains("card fragile", "HTTP 500", "Database connection failed");
        assertThat(failures.get("API key refused")).contains("card fragile", "rejected the API key", "Unauthenticated");
        assertThat(failures.get("drift under fail")).contains("card fragile", "columns changed", "added [city text]", "kept as it was");

        assertThat(jdbc.queryForList("SELECT id || ':' || name FROM " + TARGET + ".fragile ORDER BY id", String.class))
                .as("the previous good data").containsExactly("1:one", "2:two");
        List<Map<String, Object>> failed = jdbc.queryForList("SELECT status, error FROM sync_runs WHERE card = 'fragile' AND status = 'failed'");
        assertThat(failed).hasSize(failures.size());
        assertThat(failed).allSatisfy(row -> assertThat((String) row.get("error")).startsWith("card fragile: "));
    }

    @Test
    void driftUnderEvolveAddsNewColumnsAndKeepsRemovedOnes() {
        metadata(206, column("id", "ID", "type/Integer"), column("old_note", "Old Note", "type/Text"));
        export(206, "ID,Old Note\n1,a\n");
        assertThat(runJob("metabase-evolving").status()).isEqualTo("succeeded");

        metadata(206, column("id", "ID", "type/Integer"), column("rating", "Rating", "type/Decimal"));
        export(206, "ID,Rating\n1,4.5\n2,3\n");
        JobRun evolved = runJob("metabase-evolving");

        assertThat(evolved.status()).as(String.valueOf(evolved.error())).isEqualTo("succeeded");
        assertThat(jdbc.queryForList("SELECT id || ':' || rating || ':' || coalesce(old_note, 'null') FROM " + TARGET
                + ".evolving ORDER BY id", String.class)).containsExactly("1:4.5:null", "2:3:null");
        assertThat(jdbc.queryForObject("SELECT is_nullable FROM information_schema.columns WHERE table_schema = ? AND table_name = 'evolving'"
                + " AND column_name = 'old_note'", String.class, TARGET)).isEqualTo("YES");
    }

    @Test
    void cardsRunInParallelUpToTheLimitAndOneFailureDoesNotStopTheOthers() {
        for (int id : new int[] {211, 212, 213, 214}) {
            metadata(id, column("n", "N", "type/Integer"));
        }
        for (int id : new int[] {211, 212, 213}) {
            metabase.stubFor(post(urlEqualTo("/api/card/" + id + "/query/csv")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/csv").withBody("N\n1\n2\n").withFixedDelay(1500)));
        }
        metabase.stubFor(post(urlEqualTo("/api/card/214/query/csv")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/csv").withBody("{\"status\":\"failed\",\"error\":\"boom\"}").withFixedDelay(1500)));

        List<Long> ids = List.of("metabase-slow-a", "metabase-slow-b", "metabase-slow-c", "metabase-broken").stream()
                .map(jobs::startNow).toList();
        List<JobRun> finished = ids.stream().map(this::await).toList();

        assertThat(finished).extracting(JobRun::status).containsExactly("succeeded", "succeeded", "succeeded", "failed");
        List<Map<String, Object>> spans = jdbc.queryForList("SELECT started_at, finished_at FROM sync_runs WHERE card IN"
                + " ('slow-a', 'slow-b', 'slow-c', 'broken')");
        int mostAtOnce = 0;
        for (Map<String, Object> span : spans) {
            Instant at = ((java.sql.Timestamp) span.get("started_at")).toInstant();
            int overlapping = (int) spans.stream().filter(other -> !((java.sql.Timestamp) other.get("started_at")).toInstant().isAfter(at)
                    && ((java.sql.Timestamp) other.get("finished_at")).toInstant().isAfter(at)).count();
            mostAtOnce = Math.max(mostAtOnce, overlapping);
        }
        assertThat(mostAtOnce).as("syncs at the same time with max-parallel 2").isEqualTo(2);
    }

    @Test
    void datasetAgeIsExportedAndACardOlderThanItsMaxAgeMakesReadinessStaleNotDown() throws Exception {
        metadata(216, column("id", "ID", "type/Integer"));
        export(216, "ID\n1\n");
        assertThat(runJob("metabase-fresh").status()).isEqualTo("succeeded");
        Thread.sleep(1100); // card "never" has max-age 1s and has not synced since the hub started

        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port
                + "/actuator/prometheus")).header("Authorization", "Bearer " + io.caravan.support.TestEnvironment.SCRAPE_TOKEN).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double freshAge = metrics.lines().filter(l -> l.startsWith("caravan_dataset_age_seconds{") && l.contains("dataset=\"metabase.fresh\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
        assertThat(freshAge).isBetween(0.0, 60.0);
        assertThat(metrics).containsPattern("caravan_dataset_age_seconds\\{[^}]*dataset=\"metabase.never\"[^}]*} NaN");

        var readiness = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port
                + "/actuator/health/readiness")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).as("stale data is still served").isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"STALE\"");
    }

    // --- helpers ---

    private String failsWith(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        metabase.stubFor(post(urlEqualTo("/api/card/205/query/csv")).willReturn(response));
        return failedRunError("metabase-fragile");
    }

    private String failedRunError(String job) {
        JobRun run = runJob(job);
        assertThat(run.status()).isEqualTo("failed");
        String syncError = jdbc.queryForObject("SELECT error FROM sync_runs WHERE job_run_id = ?", String.class, run.id());
        assertThat(run.error()).contains(syncError);
        return run.error();
    }

    private JobRun runJob(String job) {
        // The previous run's row reads finished a moment before its lock is released.
        return await(Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).ignoreException(io.caravan.ops.JobAlreadyRunningException.class)
                .until(() -> jobs.startNow(job), id -> true));
    }

    private JobRun await(long id) {
        return Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> runs.find(id).orElseThrow(), run -> !run.status().equals("running"));
    }

    private static String rows(String generation, int count) {
        return "N,Generation\n" + IntStream.range(0, count).mapToObj(i -> i + "," + generation).collect(Collectors.joining("\n")) + "\n";
    }

    private static String column(String name, String title, String type) {
        return "{\"name\":\"" + name + "\",\"display_name\":\"" + title + "\",\"base_type\":\"" + type + "\",\"effective_type\":\"" + type + "\"}";
    }

    private static void metadata(int card, String... columns) {
        metabase.stubFor(get(urlPathEqualTo("/api/card/" + card)).withQueryParam("ignore_view", equalTo("true"))
                .withHeader("x-api-key", equalTo(API_KEY))
                .willReturn(okJson("{\"id\":" + card + ",\"result_metadata\":[" + String.join(",", columns) + "]}")));
    }

    private static void export(int card, String csv) {
        metabase.stubFor(post(urlEqualTo("/api/card/" + card + "/query/csv")).withHeader("x-api-key", equalTo(API_KEY))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/csv").withHeader("Connection", "close").withBody(csv)));
    }

    private static List<Object> list(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
