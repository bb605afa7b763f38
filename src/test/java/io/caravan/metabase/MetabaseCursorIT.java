package io.caravan.metabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.ops.JobRegistry;
import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.HubTest;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * An incremental card's whole life in a hub, against a Metabase stand-in whose card filters by its template tag:
 * configured in caravan.metabase.cards (card orders) and declared by the example route file
 * example-routes/metabase-cursor/orders-incremental.yaml (card orders-daily). Steps run in order, each on what the
 * previous left: first run, new rows, late rows inside the overlap, a capped export, a failed run, a full refresh.
 */
@HubTest
@TestPropertySource(properties = "caravan.routes.dir=src/test/resources/example-routes/metabase-cursor")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetabaseCursorIT {

    static final OrdersMetabase metabase;
    static final String TARGET = "mbcur_" + UUID.randomUUID().toString().substring(0, 8);
    static final int CAP = 40;

    static {
        try {
            metabase = new OrdersMetabase("0.52.0");
            metabase.rowCap(CAP);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void cards(DynamicPropertyRegistry properties) {
        properties.add("caravan.metabase.url", metabase::url);
        properties.add("caravan.metabase.api-key", () -> "mb_cursor_key");
        properties.add("caravan.metabase.retries", () -> "1");
        properties.add("caravan.metabase.row-limit", () -> String.valueOf(CAP));
        properties.add("mbcursor.schema", () -> TARGET);
        String card = "caravan.metabase.cards[0].";
        properties.add(card + "name", () -> "orders");
        properties.add(card + "id", () -> String.valueOf(OrdersMetabase.CARD));
        properties.add(card + "schema", () -> TARGET);
        properties.add(card + "mode", () -> "upsert");
        properties.add(card + "key[0]", () -> "order_id");
        properties.add(card + "cursor.parameter", () -> "since");
        properties.add(card + "cursor.column", () -> "ordered_at");
        properties.add(card + "cursor.type", () -> "datetime");
        properties.add(card + "cursor.start", () -> "2026-01-01T00:00:00");
        properties.add(card + "cursor.overlap", () -> "1 day");
        properties.add(card + "full-refresh", () -> "0 0 3 ? * SUN");
        String declared = "caravan.metabase.cards[1].";
        properties.add(declared + "name", () -> "orders-daily");
        properties.add(declared + "id", () -> String.valueOf(OrdersMetabase.CARD));
        properties.add(declared + "schema", () -> TARGET);
        properties.add(declared + "mode", () -> "append");
        properties.add(declared + "cursor.parameter", () -> "since");
        properties.add(declared + "cursor.column", () -> "ordered_at");
        properties.add(declared + "cursor.type", () -> "datetime");
    }

    @AfterAll
    static void cleanUp() {
        metabase.close();
        TestEnvironment.dropSchema(TARGET);
    }

    @Autowired
    JobRunner jobs;
    @Autowired
    JobRunRepository runs;
    @Autowired
    JobRegistry registry;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    @Order(1)
    void theFirstRunAsksFromTheStartAndRecordsTheMark() {
        for (int day = 1; day <= 10; day++) {
            metabase.put(day, day + "0.50", at(day, 9));
        }
        JobRun run = succeeds("metabase-orders");
        assertThat(metabase.lastRequest().since()).isEqualTo("2026-01-01T00:00:00");
        assertThat(count()).isEqualTo(10);
        assertThat(mark("orders")).isEqualTo("2026-01-10T09:00:00");
        Map<String, Object> sync = syncRun(run);
        assertThat(sync).containsEntry("cursor_from", "2026-01-01T00:00:00").containsEntry("cursor_to", "2026-01-10T09:00:00")
                .containsEntry("rows", 10L);
    }

    @Test
    @Order(2)
    void aLaterRunLoadsOnlyTheNewRowsFromTheMarkLessTheOverlap() {
        for (int day = 11; day <= 15; day++) {
            metabase.put(day, day + "0.50", at(day, 9));
        }
        JobRun run = succeeds("metabase-orders");
        assertThat(metabase.lastRequest().since()).as("mark less one day").isEqualTo("2026-01-09T09:00");
        assertThat(syncRun(run).get("rows")).as("day 10 again (the overlap) and days 11-15").isEqualTo(6L);
        assertThat(count()).isEqualTo(15);
        assertThat(mark("orders")).isEqualTo("2026-01-15T09:00:00");
    }

    @Test
    @Order(3)
    void lateRowsInsideTheOverlapAreUpsertedAndTheMarkDoesNotMoveBack() {
        metabase.put(16, "160.50", "2026-01-14T21:00");      // arrived late, dated before the mark
        metabase.put(15, "999.99", at(15, 9));               // corrected after the last run
        succeeds("metabase-orders");
        assertThat(metabase.lastRequest().since()).isEqualTo("2026-01-14T09:00");
        assertThat(count()).isEqualTo(16);
        assertThat(jdbc.queryForObject("SELECT amount::text FROM " + TARGET + ".orders WHERE order_id = 15", String.class))
                .isEqualTo("999.99");
        assertThat(mark("orders")).isEqualTo("2026-01-15T09:00:00");
    }

    @Test
    @Order(4)
    void aCappedExportLoadsUpToTheLastWholeValueSaysSoAndTheNextRunCatchesUp() {
        // 50 new orders, one an hour from Jan 16 00:00, but orders 137 and 138 share an hour (Jan 17 13:00).
        for (int i = 0; i < 50; i++) {
            metabase.put(100 + i, "1.00", LocalDateTime.parse("2026-01-16T00:00").plusHours(i <= 37 ? i : i - 1).toString());
        }
        // The export re-reads the overlap (orders 16 and 15), then 38 new rows reach the cap of 40 and cut through
        // Jan 17 13:00 after order 137: that hour is left for the next run, the mark stops at the hour before.
        JobRun run = succeeds("metabase-orders");
        Map<String, Object> sync = syncRun(run);
        assertThat((String) sync.get("note")).contains("hit the row cap (40 rows)", "loaded 39 rows", "left the 1 rows");
        assertThat(mark("orders")).as("the last hour fully loaded").isEqualTo("2026-01-17T12:00:00");
        assertThat(count()).isEqualTo(16 + 37);

        succeeds("metabase-orders");
        assertThat(metabase.lastRequest().since()).isEqualTo("2026-01-16T12:00");
        assertThat(count()).isEqualTo(16 + 50);
        assertThat(mark("orders")).isEqualTo("2026-01-18T00:00:00");
    }

    @Test
    @Order(5)
    void aFailedRunLeavesTheRowsAndTheMarkAsTheyWere() {
        metabase.put(200, "5.00", "2026-01-18T10:00");
        metabase.failing(true);
        try {
            JobRun run = runJob("metabase-orders");
            assertThat(run.status()).isEqualTo("failed");
            assertThat(run.error()).contains("statement timeout");
        } finally {
            metabase.failing(false);
        }
        assertThat(count()).isEqualTo(66);
        assertThat(mark("orders")).isEqualTo("2026-01-18T00:00:00");
    }

    @Test
    @Order(6)
    void theFullRefreshRebuildsTheTableFromTheStartAndResetsTheMark() {
        assertThat(registry.get("metabase-orders-full-refresh").cron()).isEqualTo("0 0 3 ? * SUN");
        // Upstream deleted the January 1-10 orders and order 200: the rebuild drops them, which no upsert can.
        for (int day = 1; day <= 10; day++) {
            metabase.remove(day);
        }
        metabase.remove(200);
        for (int i = 30; i < 50; i++) {
            metabase.remove(100 + i);
        }
        JobRun run = succeeds("metabase-orders-full-refresh");
        assertThat(metabase.lastRequest().since()).as("a full refresh asks from cursor.start").isEqualTo("2026-01-01T00:00:00");
        assertThat(count()).isEqualTo(6 + 30);
        assertThat(mark("orders")).isEqualTo("2026-01-17T05:00:00");
        assertThat(syncRun(run)).containsEntry("mode", "replace");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + TARGET + ".orders WHERE order_id <= 10", Long.class)).isZero();
    }

    @Test
    @Order(7)
    void aTemplatedRouteFromARouteFileSyncsAnAppendCardByItsCursor() {
        assertThat(registry.get("metabase-orders-daily").routeId()).isEqualTo("metabase-orders-daily");
        succeeds("metabase-orders-daily");
        long first = jdbc.queryForObject("SELECT count(*) FROM " + TARGET + ".orders_daily", Long.class);
        assertThat(first).isEqualTo(36);
        assertThat(metabase.lastRequest().since()).as("no mark, no start: the card's own default").isNull();
        metabase.put(300, "3.00", "2026-01-20T10:00");
        succeeds("metabase-orders-daily");
        assertThat(metabase.lastRequest().since()).isEqualTo("2026-01-17T05:00:00");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + TARGET + ".orders_daily", Long.class))
                .as("append, no overlap: only the new row").isEqualTo(37);
    }

    // --- helpers ---

    private static String at(int day, int hour) {
        return LocalDateTime.of(2026, 1, day, hour, 0).toString();
    }

    private long count() {
        return jdbc.queryForObject("SELECT count(*) FROM " + TARGET + ".orders", Long.class);
    }

    private String mark(String card) {
        return jdbc.queryForObject("SELECT mark FROM sync_cursors WHERE card = ?", String.class, card);
    }

    private Map<String, Object> syncRun(JobRun run) {
        return jdbc.queryForMap("SELECT rows, mode, cursor_from, cursor_to, note FROM sync_runs WHERE job_run_id = ?", run.id());
    }

    private JobRun succeeds(String job) {
        JobRun run = runJob(job);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        return run;
    }

    private JobRun runJob(String job) {
        long id = Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreException(io.caravan.ops.JobAlreadyRunningException.class)
                .until(() -> jobs.startNow(job), started -> true);
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.find(id).orElseThrow(), r -> !r.status().equals("running"));
    }
}
