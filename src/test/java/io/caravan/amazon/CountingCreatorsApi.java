package io.caravan.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Creators API stub for several hubs at once: answers the token endpoint, getItems (every item at {@link #price})
 * and searchItems (ten pages of ten items per browse node) at once, and timestamps every catalogue request when it
 * arrives, so a test can count requests in any second. A hub whose base-url ends in {@code /hub/<name>} is told apart
 * ({@link Request#hub()}); {@link #hold} keeps a hub's answers back from its n-th getItems on, so a test can kill it
 * with calls in flight.
 */
final class CountingCreatorsApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HUB = Pattern.compile("^/hub/([^/]+)(/.*)$");

    /** One catalogue request: when it arrived, from which hub, which operation, which ASINs it asked for. */
    record Request(long atNanos, long atEpochMillis, String hub, String operation, List<String> asins) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(24);
    private final List<Request> requests = new ArrayList<>();
    private final AtomicReference<String> price = new AtomicReference<>("1000.00");
    private final Map<String, Integer> holdFrom = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> getItemsOf = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);

    CountingCreatorsApi() throws IOException {
        // Without TCP_NODELAY each answer of the JDK server waits for a delayed ACK (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            long now = System.nanoTime();
            long wall = System.currentTimeMillis();
            byte[] in = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String hub = "";
            Matcher named = HUB.matcher(path);
            if (named.matches()) {
                hub = named.group(1);
                path = named.group(2);
            }
            String out;
            if (path.endsWith("/token")) {
                out = "{\"access_token\":\"Atza|stub-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}";
            } else if (path.endsWith("/getItems")) {
                JsonNode body = JSON.readTree(in);
                List<String> asins = new ArrayList<>();
                body.path("itemIds").forEach(id -> asins.add(id.asText()));
                record(new Request(now, wall, hub, "getItems", asins));
                int n = getItemsOf.computeIfAbsent(hub, h -> new AtomicInteger()).incrementAndGet();
                Integer from = holdFrom.get(hub);
                if (from != null && n >= from) {
                    held.incrementAndGet();
                    try {
                        released.await(5, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                StringBuilder items = new StringBuilder("{\"itemsResult\":{\"items\":[");
                for (int i = 0; i < asins.size(); i++) {
                    items.append(i == 0 ? "" : ",").append("{\"asin\":\"").append(asins.get(i))
                            .append("\",\"offersV2\":{\"listings\":[{\"price\":{\"money\":{\"amount\":").append(price.get())
                            .append(",\"currency\":\"TRY\"}},\"availability\":{\"type\":\"IN_STOCK\"}}]}}");
                }
                out = items.append("]}}").toString();
            } else if (path.endsWith("/searchItems")) {
                JsonNode body = JSON.readTree(in);
                String node = body.path("browseNodeId").asText("0");
                int page = body.path("itemPage").asInt(1);
                List<String> asins = new ArrayList<>();
                StringBuilder items = new StringBuilder();
                for (int i = 0; i < 10; i++) {
                    String asin = "B0S%s%02d%d".formatted(node, page, i);
                    asins.add(asin);
                    items.append(i == 0 ? "" : ",").append("""
                            {"asin":"%s","detailPageURL":"https://www.amazon.com.tr/dp/%s?tag=caravan-21",
                             "itemInfo":{"title":{"displayValue":"Ürün %s"}}}""".formatted(asin, asin, asin));
                }
                record(new Request(now, wall, hub, "searchItems", asins));
                out = "{\"searchResult\":{\"totalResultCount\":100,\"items\":[" + items + "]}}";
            } else {
                out = "{}";
            }
            byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException clientGone) {
                // a hub killed while its call was held
            }
            exchange.close();
        });
        server.start();
    }

    private void record(Request request) {
        synchronized (requests) {
            requests.add(request);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The price every getItems answer gives from now on. */
    void price(String amount) {
        price.set(amount);
    }

    /** Holds the answers to the hub's getItems from its {@code n}-th (counted from now) until {@link #close}. */
    void hold(String hub, int n) {
        int sent = getItemsOf.computeIfAbsent(hub, h -> new AtomicInteger()).get();
        holdFrom.put(hub, sent + n);
    }

    /** getItems calls answered by neither yet, held back. */
    int held() {
        return held.get();
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    List<Request> requests(String hub, String operation) {
        return requests().stream().filter(r -> r.hub().equals(hub) && r.operation().equals(operation)).toList();
    }

    /** The most catalogue requests (both operations, every hub) that arrived within any {@code window}. */
    static int maxInWindow(List<Request> requests, Duration window) {
        List<Long> times = requests.stream().map(Request::atNanos).sorted().toList();
        int max = 0;
        for (int i = 0, start = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(start) >= window.toNanos()) {
                start++;
            }
            max = Math.max(max, i - start + 1);
        }
        return max;
    }

    /** Requests per wall-clock second (epoch second → count). */
    static Map<Long, Integer> perSecond(List<Request> requests) {
        Map<Long, Integer> perSecond = new TreeMap<>();
        requests.forEach(r -> perSecond.merge(r.atEpochMillis() / 1000, 1, Integer::sum));
        return perSecond;
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
