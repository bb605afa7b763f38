package dev.caravan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/** The little HTTP plumbing the dev fakes share: a JDK server on a free loopback port, JSON in and out. */
abstract class JsonHttp implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    protected final HttpServer server;

    protected JsonHttp() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, getClass().getSimpleName());
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            try {
                handle(exchange);
            } catch (Exception e) {
                send(exchange, 500, "application/json", JSON.createObjectNode().put("message", String.valueOf(e)).toString());
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    protected abstract void handle(HttpExchange exchange) throws Exception;

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** JSON, form or multipart bodies as one object, query parameters included. */
    static ObjectNode body(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        String text = new String(bytes, StandardCharsets.UTF_8);
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        ObjectNode body = JSON.createObjectNode();
        if (Multipart.is(type)) {
            // Text fields as strings (reply_markup stays JSON text, as Telegram takes it); a file as an object
            // saying what was uploaded.
            for (Multipart.Part part : Multipart.parse(type, bytes).values()) {
                if (part.filename() == null) {
                    body.put(part.name(), part.text());
                } else {
                    body.putObject(part.name()).put("upload", part.filename()).put("type", part.contentType())
                            .put("bytes", part.content().length);
                }
            }
        } else if (text.startsWith("{")) {
            body = (ObjectNode) JSON.readTree(text);
        } else if (!text.isBlank() && !type.startsWith("multipart")) {
            form(text).forEach(body::put);
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (Map.Entry<String, String> entry : form(query).entrySet()) {
                if (!body.has(entry.getKey())) {
                    body.put(entry.getKey(), entry.getValue());
                }
            }
        }
        return body;
    }

    static Map<String, String> form(String text) {
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

    static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsString(body));
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
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
