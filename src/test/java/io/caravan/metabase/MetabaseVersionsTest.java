package io.caravan.metabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every Metabase version's export rules (docs/metabase-versions.md): the hub's request is read by stand-ins that keep
 * 0.49–0.52's rules (form or query parameters, a JSON body ignored) and 0.53+'s (form or JSON, query parameters
 * ignored), and gets the filtered, unformatted rows from each; a formatted export fails naming the column and value.
 */
class MetabaseVersionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.49.3", "0.50.0", "0.51.0", "0.52.0", "0.53.0", "0.54.0", "0.56.0"})
    void everyVersionReadsTheHubsOptions(String version) throws Exception {
        try (OrdersMetabase metabase = orders(version);
             MetabaseClient client = new MetabaseClient(settings(metabase))) {
            MetabaseProperties.Card card = card().withParameters(CardCursors.parameters(card(), "2026-01-02T00:00"));
            String csv = client.export(card, export -> {
                List<CardColumns.Column> columns = CardColumns.fromMetadata(card, client.columns(card));
                export.expectPlain(CardColumns.inHeaderOrder(card, columns, export.header()));
                return new String(export.readAllBytes(), StandardCharsets.UTF_8);
            });
            assertThat(csv).as("filtered by the template tag and unformatted on " + version)
                    .isEqualTo("2,1234.50,2026-01-02T09:00\n3,-7.25,2026-01-03T09:00\n");
            assertThat(metabase.lastRequest().contentType()).startsWith("application/x-www-form-urlencoded");
            assertThat(metabase.lastRequest().formatRows()).isFalse();
            assertThat(metabase.lastRequest().since()).isEqualTo("2026-01-02T00:00");
        }
    }

    @Test
    void theStandInsKeepEachVersionsRules() throws Exception {
        String json = "{\"format_rows\":false,\"parameters\":[{\"type\":\"date/single\",\"target\":[\"variable\",[\"template-tag\",\"since\"]],\"value\":\"2026-01-02\"}]}";
        String query = "?format_rows=false&parameters=" + java.net.URLEncoder.encode(
                "[{\"type\":\"date/single\",\"target\":[\"variable\",[\"template-tag\",\"since\"]],\"value\":\"2026-01-02\"}]", StandardCharsets.UTF_8);
        try (OrdersMetabase old = orders("0.52.0"); OrdersMetabase current = orders("0.53.0")) {
            // What the hub sent before: a JSON body. 0.52 drops it: every row, formatted.
            assertThat(post(old, "", "application/json", json)).contains("\"1,234.50\"", "January 1, 2026, 9:00 AM");
            assertThat(post(old, query, "text/plain", "")).doesNotContain("January 1").contains("1234.50");
            assertThat(post(current, "", "application/json", json)).doesNotContain("January 1").contains("1234.50");
            assertThat(post(current, query, "text/plain", "")).contains("January 1, 2026, 9:00 AM");
        }
    }

    @Test
    void aFormattedExportFailsNamingTheColumnAndTheFirstValue() {
        List<CardColumns.Column> columns = List.of(new CardColumns.Column("order_id", "Order ID", "bigint", false),
                new CardColumns.Column("amount", "Amount", "numeric", false),
                new CardColumns.Column("ordered_at", "Ordered At", "timestamp without time zone", false));
        assertThatThrownBy(() -> read(columns, "Order ID,Amount,Ordered At\n1,17.5,2026-01-01T09:00\n2,\"1,234.50\",2026-01-02T09:00\n"))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining("column 'Amount' (amount, numeric) holds a formatted value in data row 2: \"1,234.50\"");
        assertThatThrownBy(() -> read(columns, "Order ID,Amount,Ordered At\n1,17.5,\"January 1, 2026, 9:00 AM\"\n"))
                .hasMessageContaining("column 'Ordered At'").hasMessageContaining("\"January 1, 2026, 9:00 AM\"");
        assertThatThrownBy(() -> read(columns, "Order ID,Amount,Ordered At\n1,10.06460000° N,2026-01-01T09:00\n"))
                .hasMessageContaining("10.06460000° N");
        assertThatThrownBy(() -> read(columns, "Order ID,Amount,Ordered At\n۱۲,17.5,2026-01-01T09:00\n"))
                .hasMessageContaining("column 'Order ID'");
    }

    @Test
    void plainValuesAndPlainlyWrongOnesPassToPostgreSQL() throws Exception {
        List<CardColumns.Column> columns = List.of(new CardColumns.Column("n", "N", "numeric", false),
                new CardColumns.Column("at", "At", "timestamp with time zone", false), new CardColumns.Column("d", "D", "date", false));
        assertThat(read(columns, "N,At,D\n-1.5e3,2026-03-01T09:00:00+03:30,2026-03-01\n,2026-03-01T05:30:00.123Z,\nx8,2026-03-01 09:00,\n"))
                .as("x8 is not formatting: PostgreSQL names it with its line and column").contains("x8");
    }

    private static String read(List<CardColumns.Column> columns, String csv) throws Exception {
        ExportStream stream = new ExportStream(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "orders");
        stream.header();
        stream.expectPlain(columns);
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String post(OrdersMetabase metabase, String query, String type, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(metabase.url() + "/api/card/301/query/csv" + query))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static OrdersMetabase orders(String version) throws Exception {
        OrdersMetabase metabase = new OrdersMetabase(version);
        metabase.put(1, "17.50", "2026-01-01T09:00");
        metabase.put(2, "1234.50", "2026-01-02T09:00");
        metabase.put(3, "-7.25", "2026-01-03T09:00");
        return metabase;
    }

    private static MetabaseProperties settings(OrdersMetabase metabase) {
        return new MetabaseProperties(URI.create(metabase.url()), "mb_key", null, null, 2, Duration.ofSeconds(2),
                Duration.ofSeconds(5), 1, Duration.ofMillis(10), 5, Duration.ofMinutes(1), 1_048_575, List.of());
    }

    private static MetabaseProperties.Card card() {
        return new MetabaseProperties.Card("orders", OrdersMetabase.CARD, "metabase", null, MetabaseProperties.Mode.UPSERT,
                List.of("order_id"), "0 0 9 * * ?", "Asia/Tehran", null, null, null, new MetabaseProperties.Invalidate(null, null, null),
                null, MetabaseProperties.Drift.FAIL, false, Duration.ofHours(26), true, null,
                new CardCursor("since", "ordered_at", CardCursor.Type.DATETIME, null, null), null);
    }
}
