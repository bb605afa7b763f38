package io.caravan.telegram.bot;

import io.caravan.amazon.AmazonProperties;
import io.caravan.telegram.gate.TelegramOutgoing;
import io.caravan.telegram.TelegramProperties;
import io.caravan.telegram.chart.DealCharts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The beans routes/telegram-bot.yaml calls. Always there, so the route file loads in every hub (its routes start
 * only with a token, {@code caravan.flow.telegram-bot}); none of them talks to Telegram: replies are queued.
 */
@Configuration
public class BotRouteConfiguration {

    @Bean
    BotReplies botReplies(TelegramOutgoing outgoing) {
        return new BotReplies(outgoing);
    }

    @Bean
    BotCategories botCategories(JdbcTemplate jdbc) {
        return new BotCategories(jdbc);
    }

    @Bean
    BotUpdates botUpdates(JdbcTemplate jdbc, MeterRegistry meters) {
        return new BotUpdates(jdbc, meters);
    }

    @Bean
    AccountCommands botAccount(JdbcTemplate jdbc, BotReplies replies, TelegramProperties telegram) {
        return new AccountCommands(jdbc, replies, telegram.bot().defaultMinDiscountPercent());
    }

    @Bean
    SubscriptionCommands botSubscriptions(JdbcTemplate jdbc, BotReplies replies, BotCategories categories,
                                          TelegramProperties telegram) {
        return new SubscriptionCommands(jdbc, replies, categories, telegram.bot().defaultMinDiscountPercent());
    }

    @Bean
    HistoryCommands botHistory(JdbcTemplate jdbc, BotReplies replies, DealCharts charts, AmazonProperties amazon) {
        return new HistoryCommands(jdbc, replies, charts, amazon.marketplace());
    }

    @Bean
    WatchCommands botWatches(JdbcTemplate jdbc, BotReplies replies, TelegramProperties telegram, AmazonProperties amazon,
                             HistoryCommands history) {
        return new WatchCommands(jdbc, replies, telegram.bot().trackPriority(), amazon.marketplace(), history);
    }
}
