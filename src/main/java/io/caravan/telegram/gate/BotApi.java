package io.caravan.telegram.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.core.Secrets;
import io.caravan.telegram.TelegramProperties;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Calls {@code {base-uri}/bot{token}/{method}} with a JSON body over java.net.http. Not camel-telegram: its producer
 * can send photos only as uploaded bytes (no URL, no file_id), has no HTML parse mode for captions, no timeouts, and
 * turns every error into an exception whose message holds the URL with the token and no error_code or
 * retry_after, which the gate needs (reference FINDINGS, section 2).
 * <p>
 * Never throws and never lets the token out: failures come back as a {@link BotApiReply} whose text went
 * through {@link Secrets#redact}.
 */
public class BotApi {

    private final HttpClient client;
    private final ObjectMapper json;
    private final String base;
    private final String token;
    private final TelegramProperties properties;

    public BotApi(TelegramProperties properties, ObjectMapper json) {
        this.properties = properties;
        this.json = json;
        this.token = properties.token();
        // The configured key is registered at startup already; a token set some other way is masked too.
        Secrets.register(token);
        String uri = properties.baseUri().toString();
        this.base = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        this.client = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
    }

    public BotApiReply call(String method, Map<String, ?> body) {
        return call(method, body, properties.timeout());
    }

    /**
     * The same as multipart/form-data with one file, the way the Bot API takes an upload ("upload a new photo using
     * multipart/form-data"): each field a part (objects such as reply_markup as JSON text), the file a part named
     * {@code filePart} with a filename.
     */
    public BotApiReply upload(String method, Map<String, ?> fields, String filePart, String filename, String contentType,
                              byte[] file) {
        String boundary = "caravan-" + UUID.randomUUID();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 2048);
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                Object value = field.getValue();
                String text = value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                        ? String.valueOf(value) : json.writeValueAsString(value);
                out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + filePart + "\"; filename=\""
                    + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(file);
            out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return send(method, "multipart/form-data; boundary=" + boundary, out.toByteArray(), properties.timeout());
        } catch (IOException e) {
            return BotApiReply.transportError(Secrets.describe(e));
        }
    }

    /** @param readTimeout how long to wait for the answer: longer than the call timeout for a long-polling getUpdates */
    public BotApiReply call(String method, Map<String, ?> body, Duration readTimeout) {
        try {
            return send(method, "application/json", json.writeValueAsBytes(body), readTimeout);
        } catch (IOException e) {
            return BotApiReply.transportError(Secrets.describe(e));
        }
    }

    private BotApiReply send(String method, String contentType, byte[] content, Duration readTimeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/bot" + token + "/" + method))
                    .timeout(readTimeout)
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode parsed;
            try {
                parsed = json.readTree(response.body());
            } catch (IOException notJson) {
                parsed = null;
            }
            BotApiReply reply = BotApiReply.parse(response.statusCode(), parsed);
            return reply.description() == null ? reply
                    : new BotApiReply(reply.status(), Secrets.redact(reply.description()), reply.result(),
                    reply.retryAfter(), reply.migrateTo());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BotApiReply.transportError("interrupted");
        } catch (IOException | RuntimeException e) {
            return BotApiReply.transportError(Secrets.describe(e));
        }
    }
}
