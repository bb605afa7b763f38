package io.caravan.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.caravan.telegram.gate.SendGate;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Bot API stub that enforces the limits it is given the way Telegram does: every request is timestamped when it
 * arrives, counted per chat and overall in sliding windows, and one over a limit is answered 429 with retry_after
 * (and counted as over-limit). Everything accepted is kept, keyed by chat and the "#n" marker in the message, so a
 * test can tell lost and duplicated messages apart. A hub whose base-uri ends in {@code /hub/<name>} is told apart
 * from the others ({@link Received#hub()}), and its answers can be slowed down ({@link #slow}), as a far-away
 * Telegram would be, so it has calls in flight when a test kills it.
 */
final class CountingBotApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile("#(\\d+)");

    record Received(long atNanos, long atEpochMillis, String method, String chatId, String marker, String hub) {
    }

    private static final Pattern HUB = Pattern.compile("^/hub/([^/]+)(/.*)$");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final SendGate.Budget global;
    private final SendGate.Budget group;
    private final SendGate.Budget privateChat;
    private final Deque<Long> globalLog = new ArrayDeque<>();
    private final Map<String, Deque<Long>> chatLogs = new HashMap<>();
    private final List<Received> accepted = new ArrayList<>();
    private final AtomicLong overLimit = new AtomicLong();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong messageIds = new AtomicLong(1000);
    private final Map<String, Long> slowHubs = new java.util.concurrent.ConcurrentHashMap<>();

    CountingBotApi(String token, SendGate.Budget global, SendGate.Budget group, SendGate.Budget privateChat) throws IOException {
        this.global = global;
        this.group = group;
        this.privateChat = privateChat;
        // The JDK server writes headers and body separately; without TCP_NODELAY each answer waits for a delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(executor);
        String prefix = "/bot" + token + "/";
        server.createContext("/", exchange -> {
            long now = System.nanoTime();
            long wall = System.currentTimeMillis();
            String path = exchange.getRequestURI().getPath();
            String hub = "";
            Matcher named = HUB.matcher(path);
            if (named.matches()) {
                hub = named.group(1);
                path = named.group(2);
            }
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            boolean upload = dev.caravan.Multipart.is(contentType);
            JsonNode body = upload ? fields(dev.caravan.Multipart.parse(contentType, raw)) : JSON.readTree(raw);
            if (upload) {
                uploads.incrementAndGet();
            }
            int status;
            String answer;
            if (!path.startsWith(prefix)) {
                status = 404;
                answer = "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}";
            } else {
                String method = path.substring(prefix.length());
                String chat = body.path("chat_id").asText();
                String text = body.path("caption").asText(body.path("text").asText(""));
                Matcher marker = MARKER.matcher(text);
                if (admit(chat, now)) {
                    synchronized (accepted) {
                        accepted.add(new Received(now, wall, method, chat, marker.find() ? marker.group(1) : "", hub));
                    }
                    status = 200;
                    answer = "{\"ok\":true,\"result\":{\"message_id\":" + messageIds.incrementAndGet()
                            + ",\"chat\":{\"id\":0},\"date\":0"
                            + (method.equals("sendPhoto") ? ",\"photo\":[{\"file_id\":\"small\"},{\"file_id\":\"large\"}]" : "")
                            + "}}";
                } else {
                    overLimit.incrementAndGet();
                    status = 429;
                    answer = "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\",\"parameters\":{\"retry_after\":1}}";
                }
            }
            Long slow = slowHubs.get(hub);
            if (slow != null) {
                try {
                    Thread.sleep(slow);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** A multipart request's text fields as a JSON body (what the limits and markers look at). */
    private static JsonNode fields(Map<String, dev.caravan.Multipart.Part> parts) {
        var body = JSON.createObjectNode();
        parts.values().stream().filter(p -> p.filename() == null).forEach(p -> body.put(p.name(), p.text()));
        return body;
    }

    /** Multipart requests (chart uploads) received. */
    long uploads() {
        return uploads.get();
    }

    /** Sliding windows over arrival times: at most count requests in any window, overall and per chat. */
    private synchronized boolean admit(String chat, long now) {
        SendGate.Budget budget = SendGate.isGroup(chat) ? group : privateChat;
        Deque<Long> chatLog = chatLogs.computeIfAbsent(chat, c -> new ArrayDeque<>());
        boolean ok = fits(globalLog, global, now) & fits(chatLog, budget, now);
        if (ok) {
            globalLog.addLast(now);
            chatLog.addLast(now);
        }
        return ok;
    }

    private static boolean fits(Deque<Long> log, SendGate.Budget budget, long now) {
        while (!log.isEmpty() && log.peekFirst() <= now - budget.window().toNanos()) {
            log.pollFirst();
        }
        return log.size() < budget.count();
    }

    /** Answers the hub named {@code hub} (base-uri ending in /hub/&lt;hub&gt;) only after {@code millis}. */
    void slow(String hub, long millis) {
        slowHubs.put(hub, millis);
    }

    int port() {
        return server.getAddress().getPort();
    }

    long overLimit() {
        return overLimit.get();
    }

    List<Received> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
