package dev.caravan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Metabase for dev mode: API-key or session login, card metadata and unformatted CSV exports of the food-delivery
 * team's cards — vendors (Persian names), orders (a few thousand, growing with the clock) and delivery areas
 * (polygons as WKT). Answers like Metabase: 401 is plain text "Unauthenticated", CSV headers carry display names.
 */
public class FakeMetabase extends JsonHttp {

    public static final int VENDORS = 101;
    public static final int ORDERS = 102;
    public static final int DELIVERY_AREAS = 103;

    record Column(String name, String displayName, String baseType) {
    }

    record Card(int id, String name, List<Column> columns, IntFunction<Integer> rowCount, RowWriter rows) {
    }

    interface RowWriter {
        String row(int index);
    }

    private static final String[] VENDOR_NAMES = {"پیتزا ایتالیا", "کباب سرای نایب", "سوشی توکیو", "کافه \"لمیز\"",
            "نان سحر", "برگر, فرایز و بیشتر", "آش و حلیم مادر", "فلافل طلایی"};
    private static final String[] CITIES = {"تهران", "اصفهان", "شیراز", "مشهد", "تبریز"};

    private final String apiKey;
    private final String username;
    private final String password;
    private final Clock clock;
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
    private final Map<Integer, Card> cards;

    public FakeMetabase(String apiKey, String username, String password, Clock clock) {
        this.apiKey = apiKey;
        this.username = username;
        this.password = password;
        this.clock = clock;
        this.cards = Map.of(
                VENDORS, new Card(VENDORS, "Vendors", List.of(
                        new Column("vendor_id", "Vendor ID", "type/Integer"),
                        new Column("name", "Name", "type/Text"),
                        new Column("city", "City", "type/Text"),
                        new Column("rating", "Rating", "type/Decimal"),
                        new Column("active", "Active", "type/Boolean"),
                        new Column("created_at", "Created At", "type/DateTimeWithLocalTZ")),
                        minute -> 40,
                        i -> (i + 1) + "," + csv(VENDOR_NAMES[i % VENDOR_NAMES.length] + (i >= VENDOR_NAMES.length ? " " + (i + 1) : ""))
                                + "," + CITIES[i % CITIES.length] + "," + (3.5 + (i % 15) / 10.0) + "," + (i % 9 != 0)
                                + "," + Instant.parse("2024-01-01T08:30:00Z").plus(i * 3L, ChronoUnit.DAYS)
                                .toString().replace("Z", "+03:30")),
                ORDERS, new Card(ORDERS, "Orders", List.of(
                        new Column("order_id", "Order ID", "type/BigInteger"),
                        new Column("vendor_id", "Vendor ID", "type/Integer"),
                        new Column("amount", "Amount", "type/Decimal"),
                        new Column("status", "Status", "type/Text"),
                        new Column("ordered_at", "Ordered At", "type/DateTime")),
                        minute -> 5000 + minute * 20,
                        i -> (900_000 + i) + "," + (i % 40 + 1) + "," + (120_000 + (i * 7919L) % 2_000_000) + ".50,"
                                + (i % 17 == 0 ? "" : i % 11 == 0 ? "cancelled" : "delivered") + ","
                                + Instant.parse("2026-01-01T00:00:00Z").plus(i * 11L, ChronoUnit.MINUTES)),
                DELIVERY_AREAS, new Card(DELIVERY_AREAS, "Delivery areas", List.of(
                        new Column("area_id", "Area ID", "type/Integer"),
                        new Column("vendor_id", "Vendor ID", "type/Integer"),
                        new Column("name", "Area Name", "type/Text"),
                        new Column("polygon", "Polygon", "type/Text")),
                        minute -> 40,
                        i -> (i + 1) + "," + (i + 1) + "," + csv("منطقه " + (i + 1)) + "," + csv(polygon(i))));
    }

    public List<Integer> cardIds() {
        return List.of(VENDORS, ORDERS, DELIVERY_AREAS);
    }

    private static String polygon(int i) {
        double lon = 51.30 + (i % 8) * 0.03;
        double lat = 35.65 + (i / 8) * 0.03;
        return String.format(java.util.Locale.ROOT, "POLYGON((%.4f %.4f, %.4f %.4f, %.4f %.4f, %.4f %.4f, %.4f %.4f))",
                lon, lat, lon + 0.025, lat, lon + 0.025, lat + 0.025, lon, lat + 0.025, lon, lat);
    }

    private static String csv(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    @Override
    protected void handle(HttpExchange exchange) throws Exception {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/api/session") && method.equals("POST")) {
            ObjectNode body = body(exchange);
            if (username.equals(body.path("username").asText()) && password.equals(body.path("password").asText())) {
                String id = UUID.randomUUID().toString();
                sessions.put(id, clock.instant());
                json(exchange, 200, JSON.createObjectNode().put("id", id));
            } else {
                json(exchange, 401, JSON.createObjectNode().put("errors",
                        JSON.createObjectNode().put("password", "did not match stored password")));
            }
            return;
        }
        if (!authenticated(exchange)) {
            send(exchange, 401, "text/plain", "Unauthenticated");
            return;
        }
        String[] parts = path.split("/");
        if (parts.length < 4 || !parts[2].equals("card") || !cards.containsKey(Integer.parseInt(parts[3]))) {
            send(exchange, 404, "text/plain", "Not found.");
            return;
        }
        Card card = cards.get(Integer.parseInt(parts[3]));
        if (parts.length == 4 && method.equals("GET")) {
            metadata(exchange, card);
        } else if (parts.length == 6 && parts[4].equals("query") && parts[5].equals("csv") && method.equals("POST")) {
            export(exchange, card);
        } else {
            send(exchange, 404, "text/plain", "Not found.");
        }
    }

    private boolean authenticated(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst("x-api-key");
        String session = exchange.getRequestHeaders().getFirst("X-Metabase-Session");
        return (apiKey != null && apiKey.equals(key)) || (session != null && sessions.containsKey(session));
    }

    private void metadata(HttpExchange exchange, Card card) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("id", card.id()).put("name", card.name())
                .put("query_type", "native").put("updated_at", "2026-11-01T06:00:00Z");
        ArrayNode metadata = body.putArray("result_metadata");
        for (Column column : card.columns()) {
            metadata.addObject().put("name", column.name()).put("display_name", column.displayName())
                    .put("base_type", column.baseType()).put("effective_type", column.baseType());
        }
        json(exchange, 200, body);
    }

    private void export(HttpExchange exchange, Card card) throws Exception {
        // The hub sends the form Metabase's UI sends (format_rows=false&parameters=[...]); body() reads form, JSON or
        // query alike. The fake serves every card unparameterised.
        body(exchange);
        int minute = (int) (clock.instant().getEpochSecond() / 60 % 10_000);
        int rows = card.rowCount().apply(minute);
        exchange.getResponseHeaders().set("Content-Type", "text/csv");
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(200, 0); // chunked, as Metabase streams exports
        try (OutputStream out = exchange.getResponseBody();
             Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            writer.write(String.join(",", card.columns().stream().map(Column::displayName).toList()));
            writer.write("\n");
            for (int i = 0; i < rows; i++) {
                writer.write(card.rows().row(i));
                writer.write("\n");
            }
        }
    }
}
