package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.core.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One Telegram update, one transaction: record its update_id (a duplicate stops here), run the command, queue the
 * reply and, when polling, move the stored offset past it. Telegram delivers at least once (re-sent after a
 * restart before the offset was confirmed, webhook retries), so the update_id row is what makes a command run once.
 */
public class UpdateHandler {

    public static final String OFFSET_KEY = "updates.offset";
    private static final Logger LOG = LoggerFactory.getLogger(UpdateHandler.class);

    private final TransactionTemplate tx;
    private final JdbcTemplate jdbc;
    private final BotCommands commands;
    private final MeterRegistry meters;

    public UpdateHandler(TransactionTemplate tx, JdbcTemplate jdbc, BotCommands commands, MeterRegistry meters) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.commands = commands;
        this.meters = meters;
    }

    public enum Outcome { handled, duplicate, ignored, failed }

    /**
     * @param advanceOffset true when polling: the offset moves in the same transaction as the command, so a crash
     *                      in between can only re-fetch an update whose update_id row is already there
     * @throws IllegalArgumentException when the JSON is not an update (no update_id)
     */
    public Outcome handle(JsonNode json, boolean advanceOffset) {
        BotUpdate update = BotUpdate.from(json);
        String type = BotCommands.type(update);
        Outcome outcome;
        try {
            outcome = tx.execute(status -> {
                if (!firstDelivery(update, advanceOffset)) {
                    return Outcome.duplicate;
                }
                return commands.handle(update) ? Outcome.handled : Outcome.ignored;
            });
        } catch (RuntimeException e) {
            // A bug or bad data in one update must not block every later one: confirm it, tell the user, move on.
            // If the database itself is failing this throws too, and the update is fetched again next time.
            LOG.error("Telegram update {} ({}) failed and is skipped: {}", update.updateId(), type, Secrets.describe(e));
            outcome = tx.execute(status -> {
                if (firstDelivery(update, advanceOffset)) {
                    commands.apologise(update);
                }
                return Outcome.failed;
            });
        }
        count(type, outcome.name());
        return outcome;
    }

    /** Counts an update refused before it was read (webhook call without the right secret, body that is no update). */
    public void countRejected(String type) {
        count(type, "rejected");
    }

    /** @return the offset to ask getUpdates for: one past the last update handled, 0 before the first */
    public long offset() {
        return jdbc.query("SELECT value FROM bot_state WHERE key = ?", rs -> rs.next() ? Long.parseLong(rs.getString(1)) : 0L,
                OFFSET_KEY);
    }

    private boolean firstDelivery(BotUpdate update, boolean advanceOffset) {
        boolean first = jdbc.update("INSERT INTO telegram_updates (update_id) VALUES (?) ON CONFLICT DO NOTHING",
                update.updateId()) == 1;
        if (advanceOffset) {
            // GREATEST: an older update handled late never moves the offset back.
            jdbc.update("""
                    INSERT INTO bot_state (key, value) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET value = GREATEST(bot_state.value::bigint, EXCLUDED.value::bigint)::text,
                        updated_at = now()""",
                    OFFSET_KEY, String.valueOf(update.updateId() + 1));
        }
        return first;
    }

    private void count(String type, String outcome) {
        Counter.builder("caravan.telegram.updates").description("Telegram updates by command (or callback) and outcome")
                .tag("type", type).tag("outcome", outcome).register(meters).increment();
    }
}
