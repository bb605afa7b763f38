package dev.caravan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Telegram Bot API as a hub sees it, with Telegram's limits: ~30 messages/s overall, 20/min per group or channel,
 * ~1/s per private chat. Over a limit it answers 429 with {@code parameters.retry_after}, as Telegram does.
 * Keeps everything it accepted so the dev page can show it, and lets a person "send" bot commands.
 */
public class FakeTelegram extends JsonHttp {

    private static final Pattern PATH = Pattern.compile("/bot([^/]+)/(\\w+)");
    private static final int GLOBAL_PER_SECOND = 30;
    private static final int GROUP_PER_MINUTE = 20;
    private static final int PRIVATE_PER_SECOND = 1;

    public record Sent(Instant at, String method, String chatId, long messageId, String text, String photo,
                       String buttons) {
    }

    private final String token;
    private final List<Sent> sent = new ArrayList<>();
    private final Deque<ObjectNode> updates = new ArrayDeque<>();
    private final Map<String, Deque<Instant>> perChat = new ConcurrentHashMap<>();
    private final Deque<Instant> global = new ArrayDeque<>();
    private final AtomicLong nextMessageId = new AtomicLong(1000);
    private final AtomicLong nextUpdateId = new AtomicLong(500_000);
    private final AtomicInteger throttled = new AtomicInteger();

    public FakeTelegram(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public List<Sent> sentNewestFirst() {
        List<Sent> copy;
        synchronized (sent) {
            copy = new ArrayList<>(sent);
        }
        java.util.Collections.reverse(copy);
        return copy;
    }

    public int throttledCount() {
        return throttled.get();
    }

    /** A person types {@code text} in a private chat with the bot. */
    public synchronized void userSays(long chatId, String text, String languageCode) {
        ObjectNode from = JSON.createObjectNode().put("id", chatId).put("is_bot", false).put("first_name", "Dev")
                .put("language_code", languageCode);
        ObjectNode message = JSON.createObjectNode().put("message_id", nextMessageId.incrementAndGet())
                .put("date", Instant.now().getEpochSecond()).put("text", text);
        message.set("from", from);
        message.set("chat", JSON.createObjectNode().put("id", chatId).put("type", "private").put("first_name", "Dev"));
        if (text.startsWith("/")) {
            int end = text.indexOf(' ') < 0 ? text.length() : text.indexOf(' ');
            ArrayNode entities = message.putArray("entities");
            entities.addObject().put("type", "bot_command").put("offset", 0).put("length", end);
        }
        ObjectNode update = JSON.createObjectNode().put("update_id", nextUpdateId.incrementAndGet());
        update.set("message", message);
        updates.add(update);
        notifyAll();
        synchronized (sent) {
            sent.add(new Sent(Instant.now(), "user", String.valueOf(chatId), message.get("message_id").asLong(), text,
                    null, null));
        }
    }

    @Override
    protected void handle(HttpExchange exchange) throws Exception {
        Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
        if (!path.matches() || !path.group(1).equals(token)) {
            json(exchange, 401, error(401, "Unauthorized"));
            return;
        }
        ObjectNode body = body(exchange);
        String method = path.group(2);
        switch (method) {
            case "getMe" -> json(exchange, 200, ok(JSON.createObjectNode().put("id", 7_000_000_001L).put("is_bot", true)
                    .put("first_name", "Caravan Dev").put("username", "caravan_dev_bot")));
            case "getUpdates" -> json(exchange, 200, ok(updatesAfter(body.path("offset").asLong(0),
                    Math.min(2, body.path("timeout").asInt(0)))));
            case "setWebhook", "deleteWebhook", "setMyCommands", "answerCallbackQuery" ->
                    json(exchange, 200, JSON.createObjectNode().put("ok", true).put("result", true));
            case "sendMessage", "sendPhoto", "editMessageText", "editMessageCaption", "editMessageReplyMarkup" ->
                    send(exchange, method, body);
            default -> json(exchange, 404, error(404, "Not Found: method not found"));
        }
    }

    private synchronized ArrayNode updatesAfter(long offset, int timeoutSeconds) throws InterruptedException {
        updates.removeIf(update -> update.get("update_id").asLong() < offset);
        if (updates.isEmpty() && timeoutSeconds > 0) {
            wait(timeoutSeconds * 1000L);
        }
        ArrayNode result = JSON.createArrayNode();
        updates.stream().filter(update -> update.get("update_id").asLong() >= offset).forEach(result::add);
        return result;
    }

    private void send(HttpExchange exchange, String method, ObjectNode body) throws Exception {
        String chatId = body.path("chat_id").asText();
        if (chatId.isEmpty()) {
            json(exchange, 400, error(400, "Bad Request: chat_id is empty"));
            return;
        }
        Integer retryAfter = admit(chatId);
        if (retryAfter != null) {
            throttled.incrementAndGet();
            ObjectNode tooMany = error(429, "Too Many Requests: retry after " + retryAfter);
            tooMany.putObject("parameters").put("retry_after", retryAfter);
            json(exchange, 429, tooMany);
            return;
        }
        JsonNode upload = body.path("photo");
        if (method.equals("sendPhoto") && upload.isObject()) {
            // An uploaded photo: Telegram takes up to 10 MB (larger requests are refused with 413 by its front end).
            if (upload.path("bytes").asLong() > 10L * 1024 * 1024) {
                json(exchange, 413, error(413, "Request Entity Too Large"));
                return;
            }
            if (!upload.path("type").asText().startsWith("image/")) {
                json(exchange, 400, error(400, "Bad Request: IMAGE_PROCESS_FAILED"));
                return;
            }
        } else if (method.equals("sendPhoto") && upload.asText("").isEmpty()) {
            json(exchange, 400, error(400, "Bad Request: there is no photo in the request"));
            return;
        }
        boolean edit = method.startsWith("edit");
        long messageId = edit ? body.path("message_id").asLong() : nextMessageId.incrementAndGet();
        String text = body.has("caption") ? body.get("caption").asText() : body.path("text").asText(null);
        String photo = upload.isObject() ? "upload:" + upload.path("upload").asText() : body.path("photo").asText(null);
        JsonNode markup = body.get("reply_markup");
        if (markup != null && markup.isTextual()) {
            markup = JSON.readTree(markup.asText());
        }
        synchronized (sent) {
            sent.add(new Sent(Instant.now(), method, chatId, messageId, text, photo, markup == null ? null : markup.toString()));
        }
        ObjectNode message = JSON.createObjectNode().put("message_id", messageId).put("date", Instant.now().getEpochSecond());
        message.set("chat", JSON.createObjectNode().put("id", chatId.startsWith("@") ? -100_123_456L : Long.parseLong(chatId))
                .put("type", chatId.startsWith("@") || chatId.startsWith("-") ? "channel" : "private"));
        if (text != null) {
            message.put(body.has("caption") || method.equals("sendPhoto") ? "caption" : "text", text);
        }
        if (method.equals("sendPhoto")) {
            ArrayNode sizes = message.putArray("photo");
            sizes.addObject().put("file_id", "AgACAgDev" + Math.abs(String.valueOf(photo).hashCode()))
                    .put("file_unique_id", "dev" + messageId).put("width", 800).put("height", 800);
        }
        json(exchange, 200, ok(message));
    }

    /** @return null if the send is within Telegram's limits, else the seconds to wait */
    private synchronized Integer admit(String chatId) {
        Instant now = Instant.now();
        boolean group = chatId.startsWith("@") || chatId.startsWith("-");
        Duration window = group ? Duration.ofMinutes(1) : Duration.ofSeconds(1);
        int limit = group ? GROUP_PER_MINUTE : PRIVATE_PER_SECOND;
        Deque<Instant> chat = perChat.computeIfAbsent(chatId, id -> new ArrayDeque<>());
        while (!chat.isEmpty() && chat.peekFirst().isBefore(now.minus(window))) {
            chat.pollFirst();
        }
        while (!global.isEmpty() && global.peekFirst().isBefore(now.minusSeconds(1))) {
            global.pollFirst();
        }
        if (chat.size() >= limit) {
            return (int) Math.max(1, Duration.between(now, chat.peekFirst().plus(window)).toSeconds() + 1);
        }
        if (global.size() >= GLOBAL_PER_SECOND) {
            return 1;
        }
        chat.addLast(now);
        global.addLast(now);
        return null;
    }

    private static ObjectNode ok(JsonNode result) {
        ObjectNode ok = JSON.createObjectNode().put("ok", true);
        ok.set("result", result);
        return ok;
    }

    private static ObjectNode error(int code, String description) {
        return JSON.createObjectNode().put("ok", false).put("error_code", code).put("description", description);
    }
}
