package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Hands one Telegram update to the route that handles it ({@value #ROUTE}, routes/telegram-bot.yaml) and waits for
 * it: when this returns, the command's effect and its reply are committed (or the update was skipped with an
 * apology). The webhook answers Telegram only then; the poller's route hands its updates to the same endpoint.
 */
public class UpdateHandler {

    /** The bot route's endpoint: body an Update's JSON, header {@value BotUpdates#SOURCE}. */
    public static final String ROUTE = "direct:telegram-update";

    private final ProducerTemplate producer;
    private final JdbcTemplate jdbc;
    private final BotUpdates updates;

    public UpdateHandler(ProducerTemplate producer, JdbcTemplate jdbc, BotUpdates updates) {
        this.producer = producer;
        this.jdbc = jdbc;
        this.updates = updates;
    }

    public enum Outcome { handled, duplicate, ignored, failed }

    /**
     * @param advanceOffset true when polling: the offset moves in the same transaction as the command, so a crash
     *                      in between can only re-fetch an update whose update_id row is already there
     * @throws IllegalArgumentException when the JSON is not an update (no update_id)
     */
    public Outcome handle(JsonNode json, boolean advanceOffset) {
        Exchange done = producer.send(ROUTE, exchange -> {
            exchange.getMessage().setBody(json);
            exchange.getMessage().setHeader(BotUpdates.SOURCE, advanceOffset ? "polling" : "webhook");
        });
        if (done.getException() != null) {
            throw done.getException() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Telegram update not handled", done.getException());
        }
        return Outcome.valueOf(done.getMessage().getHeader(BotUpdates.OUTCOME, String.class));
    }

    /** Counts an update refused before it was read (webhook call without the right secret, body that is no update). */
    public void countRejected(String type) {
        updates.count(type, "rejected");
    }

    /** @return the offset to ask getUpdates for: one past the last update handled, 0 before the first */
    public long offset() {
        return jdbc.query("SELECT value FROM bot_state WHERE key = ?", rs -> rs.next() ? Long.parseLong(rs.getString(1)) : 0L,
                BotUpdates.OFFSET_KEY);
    }
}
