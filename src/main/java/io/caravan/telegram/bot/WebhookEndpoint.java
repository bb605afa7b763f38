package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * {@code POST /telegram/webhook}: Telegram pushes each update here with the secret given to setWebhook in
 * {@code X-Telegram-Bot-Api-Secret-Token}. The update is handled in its own transaction before answering; that
 * is a few queries, well within Telegram's patience, and a 200 only once the reply is queued means a crash makes
 * Telegram retry instead of losing the command.
 */
public class WebhookEndpoint {

    public static final String PATH = "/telegram/webhook";
    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    private final byte[] secret;
    private final UpdateHandler handler;
    private final ObjectMapper json;

    public WebhookEndpoint(String secret, UpdateHandler handler, ObjectMapper json) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.handler = handler;
        this.json = json;
    }

    public ServerResponse receive(ServerRequest request) throws IOException, ServletException {
        String given = request.headers().firstHeader(SECRET_HEADER);
        // Constant time, so the secret cannot be guessed byte by byte from response times.
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), secret)) {
            handler.countRejected("webhook");
            return ServerResponse.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("ok", false, "description", "missing or wrong " + SECRET_HEADER));
        }
        JsonNode update;
        try {
            update = json.readTree(request.body(byte[].class));
            if (update == null || !update.path("update_id").canConvertToLong()) {
                throw new IllegalArgumentException("no update_id");
            }
        } catch (IOException | IllegalArgumentException e) {
            handler.countRejected("webhook");
            return ServerResponse.badRequest().contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("ok", false, "description", "the body is not a Telegram update"));
        }
        handler.handle(update, false);
        return ServerResponse.ok().build();
    }
}
