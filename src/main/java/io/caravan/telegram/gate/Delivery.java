package io.caravan.telegram.gate;

import io.caravan.alerts.AdminAlerts;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.core.Secrets;
import io.caravan.telegram.TelegramHtml;
import io.caravan.telegram.TelegramProperties;
import io.caravan.telegram.gate.DeliveryRecords.Post;
import io.caravan.telegram.gate.DeliveryRecords.Row;
import io.caravan.telegram.gate.DeliveryRecords.Target;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends one queued message and records the result in one transaction: the row is claimed with FOR UPDATE SKIP
 * LOCKED, Telegram is called, and {@code telegram_posts} plus the row's new status are committed together. If that
 * commit fails after Telegram accepted the message, the row is still pending and goes again: the one message may
 * appear twice, none is lost. This class decides what each answer of the Bot API means; {@link DeliveryRecords}
 * writes it down.
 */
public class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    /** How long an edit waits for the post it edits to be sent. */
    private static final Duration POST_NOT_YET_SENT = Duration.ofSeconds(5);

    private final DeliveryRecords records;
    private final TransactionTemplate tx;
    private final BotApi api;
    private final SendGate gate;
    private final AdminAlerts alerts;
    private final TelegramProperties properties;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Timer eventToSend;

    public Delivery(JdbcTemplate jdbc, PlatformTransactionManager transactions, BotApi api, SendGate gate,
                    AdminAlerts alerts, TelegramProperties properties, ObjectMapper json, MeterRegistry meters) {
        this.records = new DeliveryRecords(jdbc, json, properties.dryRun());
        this.tx = new TransactionTemplate(transactions);
        this.api = api;
        this.gate = gate;
        this.alerts = alerts;
        this.properties = properties;
        this.json = json;
        this.meters = meters;
        // At zero from the start, so increase() and the throttling alert see a series before the first 429.
        for (String chatType : new String[] {"group", "private"}) {
            throttled(chatType);
        }
        this.eventToSend = Timer.builder("caravan.telegram.event.to.send")
                .description("From the outbox event that caused a message (its created_at) to Telegram accepting it")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(meters);
    }

    /**
     * @return whether a request reached (or may have reached) Telegram, for the gate's books
     */
    public boolean deliver(long id) {
        boolean[] called = {false};
        try {
            tx.executeWithoutResult(status -> deliverInTransaction(id, called));
        } catch (RuntimeException e) {
            // Nothing of this attempt was committed. If Telegram accepted the message, it goes again (a duplicate,
            // never a loss); the attempt is counted so a failure that repeats ends in 'failed'.
            String error = Secrets.describe(e);
            LOG.warn("Telegram message {} was not recorded and will be retried: {}", id, error);
            try {
                tx.executeWithoutResult(status -> {
                    Integer attempts = records.pendingAttempts(id);
                    if (attempts != null) {
                        retry(id, attempts, error);
                    }
                });
            } catch (RuntimeException again) {
                LOG.warn("Could not record the failure of Telegram message {}: {}", id, Secrets.describe(again));
            }
        }
        return called[0];
    }

    private void deliverInTransaction(long id, boolean[] called) {
        Row row = records.claim(id);
        if (row == null) {
            return; // sent meanwhile, or another instance is sending it
        }
        Target target = records.target(row.chatId());
        if (target.disabledReason() != null) {
            drop(row, row.method(), "chat " + target.chatId() + " is disabled: " + target.disabledReason());
            return;
        }
        if (!SendGate.isGroup(target.chatId()) && records.subscriberBlocked(target.chatId())) {
            drop(row, row.method(), "the subscriber blocked the bot");
            return;
        }
        ObjectNode body = row.payload().deepCopy();
        String method = row.method();
        String chatId = target.chatId();
        Post post = null;
        if (body.has(TelegramSender.POST_REF)) {
            long postOutgoingId = body.get(TelegramSender.POST_REF).asLong();
            post = records.postOf(postOutgoingId);
            if (post == null) {
                String status = records.statusOf(postOutgoingId);
                if ("pending".equals(status)) {
                    records.postpone(row, POST_NOT_YET_SENT);
                } else {
                    drop(row, method, "the post it edits was never sent (" + status + ")");
                }
                return;
            }
            if (post.messageId() == null && !properties.dryRun()) {
                drop(row, method, "the post it edits was a dry run");
                return;
            }
            chatId = post.chatId();
            method = "photo".equals(post.kind()) ? "editMessageCaption" : "editMessageText";
            body.remove("photo".equals(post.kind()) ? "text" : "caption");
            body.remove(TelegramSender.POST_REF);
            if (post.messageId() != null) {
                body.put("message_id", post.messageId());
            }
        }
        byte[] upload = null;
        long chartId = body.path(ChartPayload.CHART).asLong(0);
        if ("sendPhoto".equals(method) && chartId != 0) {
            // Locked: while one sender uploads the chart, the deal's other sends wait here for its file_id.
            DeliveryRecords.Chart chart = records.lockChart(chartId);
            if (chart == null || chart.failed() != null) {
                fallBack(row, chart == null ? "the deal's chart is gone" : "the chart was refused: " + chart.failed());
                return;
            }
            if (chart.fileId() != null) {
                body.put("photo", chart.fileId());
            } else {
                upload = chart.png();
            }
        } else if ("sendPhoto".equals(method) && row.dealId() != null) {
            // Telegram fetched this photo once already: its file_id is faster and saves it another download.
            String fileId = records.photoFileId(row.dealId());
            if (fileId != null) {
                body.put("photo", fileId);
            }
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith("_")) {
                names.remove();
            }
        }
        body.put("chat_id", chatId);
        BotApiReply reply;
        if (properties.dryRun()) {
            LOG.info("Dry run, not sent: {} {}", method, body);
            reply = BotApiReply.ok(null);
        } else {
            called[0] = true;
            reply = upload == null ? api.call(method, toMap(body))
                    : api.upload(method, toMap(body), "photo", "chart-" + chartId + ".png", "image/png", upload);
        }
        boolean chart = row.payload().has(ChartPayload.CHART);
        if (upload != null && !properties.dryRun()) {
            BotApiReply.Outcome outcome = reply.outcome();
            if (outcome == BotApiReply.Outcome.OK) {
                records.chartUploaded(chartId, DeliveryRecords.fileId(reply.result()));
            } else if (outcome == BotApiReply.Outcome.FAILED || outcome == BotApiReply.Outcome.BAD_PHOTO) {
                // 413 (too large) or a 400 about the file: no chat gets this chart; this post and the others go
                // with the product photo or as text, so the deal is not lost.
                records.chartRefused(chartId, reply.summary());
                LOG.warn("Telegram refused chart {} of deal {} ({}); its posts use the product photo or text",
                        chartId, row.dealId(), reply.summary());
                fallBack(row, reply.summary());
                count(method, "chart_refused");
                return;
            }
        }
        apply(row, chatId, method, post, reply, chart);
    }

    /** A chart post without its chart: the product photo it carries, else the caption as a text message. */
    private void fallBack(Row row, String why) {
        ObjectNode payload = row.payload().deepCopy();
        records.rewrite(row, ChartPayload.withoutChart(payload), payload, why);
    }

    private void apply(Row row, String chatId, String method, Post post, BotApiReply reply, boolean chart) {
        BotApiReply.Outcome outcome = properties.dryRun() ? BotApiReply.Outcome.OK : reply.outcome();
        switch (outcome) {
            case OK, NOT_MODIFIED -> {
                if (post != null) {
                    records.postEdited(post);
                } else if (method.equals("sendPhoto") || method.equals("sendMessage")) {
                    records.recordPost(row, chatId, method, reply.result(), chart);
                }
                records.finish(row, "sent", null);
                count(method, properties.dryRun() ? "dry_run" : outcome == BotApiReply.Outcome.OK ? "sent" : "not_modified");
                if (row.eventAt() != null) {
                    eventToSend.record(Duration.between(row.eventAt(), Instant.now()));
                }
            }
            case RETRY_AFTER -> {
                Duration wait = Duration.ofSeconds(Math.max(1, reply.retryAfter()));
                gate.pause(chatId, wait);
                records.pause(row, chatId, wait, "429 " + reply.summary());
                throttled(SendGate.isGroup(chatId) ? "group" : "private").increment();
                count(method, "throttled");
                LOG.warn("Telegram asked chat {} to wait {} s (429); message {} requeued", chatId, wait.toSeconds(), row.id());
            }
            case MIGRATED -> {
                records.migrate(row, chatId, reply.migrateTo());
                count(method, "migrated");
                LOG.info("Telegram chat {} became {}; message {} goes there", chatId, reply.migrateTo(), row.id());
            }
            case BLOCKED -> {
                records.blockSubscriber(chatId);
                records.finish(row, "dropped", reply.summary());
                count(method, "blocked");
                LOG.info("Subscriber {} blocked the bot or was deleted; message {} dropped", chatId, row.id());
            }
            case NOT_MEMBER -> {
                if (SendGate.isGroup(chatId)) {
                    records.disableChat(chatId, reply.summary());
                    if (!chatId.equals(properties.adminChatId())) {
                        alerts.chatDisabled(chatId, reply.summary());
                    }
                    LOG.warn("Telegram chat {} disabled: {}", chatId, reply.summary());
                } else {
                    records.blockSubscriber(chatId);
                }
                records.finish(row, "dropped", reply.summary());
                count(method, "chat_disabled");
            }
            case BAD_HTML -> {
                LOG.error("Telegram refused the HTML of message {} ({} to {}): {}. This is an escaping bug; the message "
                        + "is resent as plain text.", row.id(), method, chatId, reply.summary());
                ObjectNode plain = row.payload().deepCopy();
                for (String field : List.of("text", "caption")) {
                    if (plain.hasNonNull(field)) {
                        plain.put(field, TelegramHtml.toPlainText(plain.get(field).asText()));
                    }
                }
                plain.remove("parse_mode");
                records.rewrite(row, row.method(), plain, reply.summary());
                count(method, "bad_html");
            }
            case BAD_PHOTO -> {
                if (chart) {
                    fallBack(row, reply.summary()); // a chart's file_id Telegram no longer knows
                    count(method, "bad_photo");
                    return;
                }
                ObjectNode text = row.payload().deepCopy();
                text.put("text", text.path("caption").asText(""));
                text.remove("caption");
                text.remove("photo");
                records.rewrite(row, "sendMessage", text, reply.summary());
                count(method, "bad_photo");
                LOG.warn("Telegram could not use the photo of message {} ({}); sending it as text", row.id(), reply.summary());
            }
            case RETRY -> {
                retry(row.id(), row.attempts(), reply.summary());
                count(method, "retried");
            }
            case FAILED -> {
                records.finish(row, "failed", reply.summary());
                count(method, "failed");
                LOG.warn("Telegram refused message {} ({} to {}): {}", row.id(), method, chatId, reply.summary());
            }
        }
    }

    private void drop(Row row, String method, String why) {
        records.finish(row, "dropped", why);
        count(method, "dropped");
    }

    private void retry(long id, int attempts, String error) {
        if (!records.retry(id, attempts, error, properties.limits())) {
            LOG.warn("Telegram message {} failed {} times and is given up: {}", id, attempts + 1, error);
        }
    }

    private void count(String method, String outcome) {
        Counter.builder("caravan.telegram.sent").description("Telegram messages handled, by Bot API method and outcome")
                .tag("method", method).tag("outcome", outcome).register(meters).increment();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> toMap(ObjectNode body) {
        return json.convertValue(body, Map.class);
    }

    private Counter throttled(String chatType) {
        return Counter.builder("caravan.telegram.throttled").description("429 answers (retry_after) from Telegram")
                .tag("chat_type", chatType).register(meters);
    }
}
