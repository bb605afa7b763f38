package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.core.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.RuntimeCamelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The steps of routes/telegram-bot.yaml around the commands: read the update, record its update_id (Telegram
 * delivers at least once: re-sent after a restart before the offset was confirmed, webhook retries, so this row is
 * what makes a command run once), name the branch the route's {@code choice} takes, and count each update in
 * {@code caravan.telegram.updates{type,outcome}} once its transaction has committed.
 */
public class BotUpdates {

    /** in, header: {@code polling} moves the stored offset past the update in its transaction; anything else does not. */
    public static final String SOURCE = "CaravanUpdateSource";
    /** out, header: Telegram's update_id. */
    public static final String UPDATE_ID = "CaravanUpdateId";
    /** out, header: the metric's type label (see {@link #type}). */
    public static final String TYPE = "CaravanUpdateType";
    /** out, header: true when this update_id was recorded now, false for a re-delivery. */
    public static final String FIRST = "CaravanUpdateFirst";
    /** out, header: {@code handled}, {@code duplicate}, {@code ignored} or {@code failed} (the metric's outcome label). */
    public static final String OUTCOME = "CaravanUpdateOutcome";
    /** out, header: the branch of the route's choice (see {@link #branch}). */
    public static final String COMMAND = "CaravanBotCommand";
    /** in, header: the subscriber's status (set by the route's update-subscriber step). */
    public static final String SUBSCRIBER_STATUS = "CaravanSubscriberStatus";

    public static final String OFFSET_KEY = "updates.offset";
    static final Set<String> COMMANDS = Set.of("start", "help", "categories", "subscribe", "unsubscribe",
            "track", "untrack", "history", "list", "stop");
    /** Commands a stopped subscriber may still use: the way back, and what the bot can do. */
    private static final Set<String> WHILE_STOPPED = Set.of("start", "help", "stop");
    private static final Logger LOG = LoggerFactory.getLogger(BotUpdates.class);

    private final JdbcTemplate jdbc;
    private final MeterRegistry meters;

    public BotUpdates(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
    }

    /**
     * Route step update-read: the body (an Update's JSON) becomes a {@link BotUpdate}; headers {@value #UPDATE_ID}
     * and {@value #TYPE}.
     *
     * @throws IllegalArgumentException when the JSON is not an update (no update_id)
     */
    public void read(Exchange exchange) throws InvalidPayloadException {
        BotUpdate update = BotUpdate.from(exchange.getMessage().getMandatoryBody(JsonNode.class));
        exchange.getMessage().setBody(update);
        exchange.getMessage().setHeader(UPDATE_ID, update.updateId());
        exchange.getMessage().setHeader(TYPE, type(update));
    }

    /**
     * Route step update-record, inside the update's transaction: the telegram_updates row (header {@value #FIRST})
     * and, when polling, the stored offset moved past the update in the same transaction, so a crash in between can
     * only re-fetch an update whose row is already there. Sets {@value #OUTCOME} to {@code handled} or
     * {@code duplicate} (unless it is {@code failed} already: the apology's transaction) and counts the update
     * with the outcome it has when the transaction commits; a rolled-back transaction counts nothing.
     */
    public void record(Exchange exchange) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("update-record runs inside the update's transaction (transacted)");
        }
        BotUpdate update = exchange.getMessage().getBody(BotUpdate.class);
        boolean first = jdbc.update("INSERT INTO telegram_updates (update_id) VALUES (?) ON CONFLICT DO NOTHING",
                update.updateId()) == 1;
        if ("polling".equals(exchange.getMessage().getHeader(SOURCE, String.class))) {
            // GREATEST: an older update handled late never moves the offset back.
            jdbc.update("""
                    INSERT INTO bot_state (key, value) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET value = GREATEST(bot_state.value::bigint, EXCLUDED.value::bigint)::text,
                        updated_at = now()""",
                    OFFSET_KEY, String.valueOf(update.updateId() + 1));
        }
        exchange.getMessage().setHeader(FIRST, first);
        if (!"failed".equals(exchange.getMessage().getHeader(OUTCOME))) {
            exchange.getMessage().setHeader(OUTCOME, first ? "handled" : "duplicate");
        }
        String type = exchange.getMessage().getHeader(TYPE, String.class);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                count(type, exchange.getMessage().getHeader(OUTCOME, String.class));
            }
        });
    }

    /**
     * Route step update-classify: header {@value #COMMAND} names the branch (see {@link #branch}); an update that
     * is not for the bot gets outcome {@code ignored}.
     */
    public void classify(Exchange exchange) {
        BotUpdate update = exchange.getMessage().getBody(BotUpdate.class);
        String branch = branch(update, exchange.getMessage().getHeader(SUBSCRIBER_STATUS, String.class));
        exchange.getMessage().setHeader(COMMAND, branch);
        if ("ignored".equals(branch)) {
            exchange.getMessage().setHeader(OUTCOME, "ignored");
        }
    }

    /**
     * Route step update-failed, after the update's transaction rolled back: a bug or bad data in one update must
     * not block every later one, so it is logged, then confirmed with an apology (outcome {@code failed}).
     */
    public void failed(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        while (error instanceof RuntimeCamelException && error.getCause() != null) {
            error = error.getCause();
        }
        LOG.error("Telegram update {} ({}) failed and is skipped: {}", exchange.getMessage().getHeader(UPDATE_ID),
                exchange.getMessage().getHeader(TYPE), error == null ? "?" : Secrets.describe(error));
        exchange.getMessage().setHeader(OUTCOME, "failed");
    }

    /**
     * The branch of the route's choice: {@code ignored} (no chat, or a group or channel), {@code stopped} (a
     * stopped subscriber's button press, or a command other than /start, /help, /stop), {@code callback} (a
     * button), {@code text} (no command: text, or a message without text), a command's name, or {@code unknown}.
     *
     * @param status the subscriber's status, null for an update that is not for the bot
     */
    public static String branch(BotUpdate update, String status) {
        if (!forTheBot(update)) {
            return "ignored";
        }
        boolean active = "active".equals(status);
        if (update.isCallback()) {
            return active ? "callback" : "stopped";
        }
        return BotCommand.parse(update.text())
                .map(command -> !active && !WHILE_STOPPED.contains(command.name()) ? "stopped"
                        : COMMANDS.contains(command.name()) ? command.name() : "unknown")
                .orElse("text");
    }

    /**
     * The metric label of an update: the command's name, {@code unknown} for other commands (so a user typing
     * random commands cannot create label values), {@code callback}, {@code text}, or {@code other}.
     */
    public static String type(BotUpdate update) {
        if (update.isCallback()) {
            return "callback";
        }
        if (update.text() == null) {
            return "other";
        }
        return BotCommand.parse(update.text()).map(c -> COMMANDS.contains(c.name()) ? c.name() : "unknown").orElse("text");
    }

    /** Only private chats are served; groups and channels (and updates without a chat) are left alone. */
    static boolean forTheBot(BotUpdate update) {
        return update.chatId() != null && update.privateChat();
    }

    /** The command of an update the route sent to a command's branch. */
    static BotCommand command(BotUpdate update) {
        return BotCommand.parse(update.text())
                .orElseThrow(() -> new IllegalArgumentException("update " + update.updateId() + " carries no command"));
    }

    public void count(String type, String outcome) {
        Counter.builder("caravan.telegram.updates").description("Telegram updates by command (or callback) and outcome")
                .tag("type", type).tag("outcome", outcome).register(meters).increment();
    }
}
