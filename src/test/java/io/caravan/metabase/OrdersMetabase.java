package io.caravan.metabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in for Metabase serving one native card, orders ({@code SELECT order_id, amount, ordered_at FROM orders
 * [[WHERE ordered_at > {{since}}]] ORDER BY ordered_at, order_id}), with the export rules of a given version:
 * <ul>
 *   <li>0.49–0.52: the options ({@code parameters}, {@code format_rows}) are read from form data or URL query
 *   parameters; a JSON body is ignored (metabase/metabase PR 56189's curl examples against 0.52);</li>
 *   <li>0.53 and later: form data or a JSON body; query parameters are ignored (api-changelog, 0.53).</li>
 * </ul>
 * Options not read take their defaults: no parameters (the card's optional clause is dropped, every row comes back)
 * and {@code format_rows} true (the default from 0.49.3), which formats numbers as {@code 1,234.50} and datetimes as
 * {@code January 5, 2026, 9:00 AM}. Exports stop at {@code rowCap} rows, silently, as Metabase's do.
 */
final class OrdersMetabase implements AutoCloseable {

    static final int CARD = 301;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter FORMATTED = DateTimeFormatter.ofPattern("MMMM d, yyyy, h:mm a", Locale.US);

    record Order(long id, BigDecimal amount, LocalDateTime orderedAt) {
    }

    /** What an export request carried, as this version read it. */
    record Request(String contentType, String since, boolean formatRows) {
    }

    private final String version;
    private final boolean readsJson;
    private final boolean readsQuery;
    private final HttpServer server;
    private final Map<Long, Order> orders = new ConcurrentSkipListMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int rowCap = 1_048_575;
    private volatile boolean failing;

    OrdersMetabase(String version) throws IOException {
        this.version = version;
        int minor = Integer.parseInt(version.split("\\.")[1]);
        this.readsJson = minor >= 53;
        this.readsQuery = minor <= 52;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try {
                handle(exchange);
            } catch (Exception e) {
                send(exchange, 500, "application/json", "{\"message\":\"" + e + "\"}");
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String version() {
        return version;
    }

    void put(long id, String amount, String orderedAt) {
        orders.put(id, new Order(id, new BigDecimal(amount), LocalDateTime.parse(orderedAt)));
    }

    void remove(long id) {
        orders.remove(id);
    }

    void rowCap(int cap) {
        rowCap = cap;
    }

    /** While set, exports send some rows and then Metabase's failed-query trailer. */
    void failing(boolean failing) {
        this.failing = failing;
    }

    List<Request> requests() {
        return requests;
    }

    Request lastRequest() {
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!"POST".equals(exchange.getRequestMethod()) && path.equals("/api/card/" + CARD)) {
            send(exchange, 200, "application/json", """
                    {"id":301,"name":"Orders","query_type":"native","result_metadata":[
                     {"name":"order_id","display_name":"Order ID","base_type":"type/BigInteger"},
                     {"name":"amount","display_name":"Amount","base_type":"type/Decimal"},
                     {"name":"ordered_at","display_name":"Ordered At","base_type":"type/DateTime"}]}""");
            return;
        }
        if (!path.equals("/api/card/" + CARD + "/query/csv")) {
            send(exchange, 404, "text/plain", "Not found.");
            return;
        }
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> options = new LinkedHashMap<>();
        if (type.startsWith("application/x-www-form-urlencoded")) {
            options.putAll(form(body));
        } else if (type.startsWith("application/json") && readsJson && !body.isBlank()) {
            JSON.readTree(body).fields().forEachRemaining(f -> options.put(f.getKey(), f.getValue().isTextual()
                    ? f.getValue().asText() : f.getValue().toString()));
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (readsQuery && query != null) {
            form(query).forEach(options::putIfAbsent);
        }
        boolean formatRows = !"false".equals(options.getOrDefault("format_rows", "true"));
        String since = since(options.get("parameters"));
        requests.add(new Request(type, since, formatRows));

        List<Order> rows = new ArrayList<>(orders.values());
        LocalDateTime after = since == null ? null : since.length() == 10 ? java.time.LocalDate.parse(since).atStartOfDay()
                : LocalDateTime.parse(since.replace("Z", ""));
        rows.removeIf(o -> after != null && !o.orderedAt().isAfter(after));
        rows.sort(Comparator.comparing(Order::orderedAt).thenComparing(Order::id));
        StringBuilder csv = new StringBuilder("Order ID,Amount,Ordered At\n");
        DecimalFormat grouped = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.US));
        for (Order order : rows.subList(0, Math.min(rows.size(), rowCap))) {
            csv.append(order.id()).append(',')
                    .append(formatRows ? '"' + grouped.format(order.amount()) + '"' : order.amount().toPlainString()).append(',')
                    .append(formatRows ? '"' + FORMATTED.format(order.orderedAt()) + '"' : order.orderedAt().toString()).append('\n');
        }
        if (failing) {
            csv.append("{\"status\":\"failed\",\"error\":\"canceling statement due to statement timeout\"}");
        }
        exchange.getResponseHeaders().set("Connection", "close");
        send(exchange, 200, "text/csv", csv.toString());
    }

    /** The value sent to template tag "since", null when none was (or it was not read). */
    private static String since(String parameters) throws IOException {
        if (parameters == null) {
            return null;
        }
        for (JsonNode parameter : JSON.readTree(parameters)) {
            JsonNode target = parameter.path("target");
            if (target.path(1).path(1).asText().equals("since")) {
                if (!parameter.path("type").asText().equals("date/single")) {
                    throw new IllegalArgumentException("since is a date template tag, not " + parameter.path("type"));
                }
                return parameter.path("value").asText();
            }
            throw new IllegalArgumentException("Invalid parameter: Card 301 does not have a template tag named "
                    + target.path(1).path(1).asText());
        }
        return null;
    }

    private static Map<String, String> form(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
