package io.caravan.telegram;

import io.caravan.ops.JobHeaders;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code telegram-history-prune} job: the queue and the post log grow with every deal, but only two things need
 * them later — a pending message (still to send) and the posts of a deal that is still active (its expiry edits
 * them). Everything else older than {@code caravan.telegram.retention} goes.
 */
public class TelegramHistory {

    private static final Logger log = LoggerFactory.getLogger(TelegramHistory.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Duration retention;

    public TelegramHistory(JdbcTemplate jdbc, TransactionTemplate tx, TelegramProperties telegram) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.retention = telegram.retention();
    }

    public void prune(Exchange exchange) {
        exchange.getMessage().setHeader(JobHeaders.ROWS, prune());
    }

    /** @return posts and messages deleted */
    public int prune() {
        String seconds = retention.toSeconds() + " seconds";
        Integer deleted = tx.execute(status -> {
            int posts = jdbc.update("""
                    DELETE FROM telegram_posts p
                     WHERE p.sent_at < now() - ?::interval
                       AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.id = p.deal_id AND d.status = 'active')""", seconds);
            int messages = jdbc.update("""
                    DELETE FROM telegram_outgoing o
                     WHERE o.status <> 'pending' AND o.created_at < now() - ?::interval
                       AND NOT EXISTS (SELECT 1 FROM telegram_posts p WHERE p.outgoing_id = o.id)""", seconds);
            log.info("Pruned {} Telegram posts and {} messages older than {}", posts, messages, retention);
            return posts + messages;
        });
        return deleted == null ? 0 : deleted;
    }
}
