package io.caravan.telegram;

import io.caravan.core.budget.ClusterBudgets;
import io.caravan.core.budget.ClusterProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.alerts.AdminAlerts;
import io.caravan.core.CaravanProperties;
import io.caravan.telegram.chart.DealCharts;
import io.caravan.telegram.gate.BotApi;
import io.caravan.telegram.gate.ClusterSendGate;
import io.caravan.telegram.gate.Delivery;
import io.caravan.telegram.gate.SendGate;
import io.caravan.telegram.gate.TelegramHistory;
import io.caravan.telegram.gate.TelegramOutgoing;
import io.caravan.telegram.gate.TelegramSender;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Deal, watch and alert events are always turned into queued messages, so nothing is lost while the bot has no
 * token; the sender that drains the queue exists only with a token or in dry run.
 */
@Configuration
public class TelegramConfiguration {

    @Bean
    DealMessages dealMessages(TelegramProperties telegram) {
        return new DealMessages(telegram.timeZone());
    }

    @Bean
    DealCharts dealCharts(JdbcTemplate jdbc, TelegramProperties telegram, MeterRegistry meters) {
        return new DealCharts(jdbc, telegram.chart().days(), telegram.chart().minPoints(), telegram.timeZone(), meters);
    }

    @Bean
    DealNotifier telegramDeals(JdbcTemplate jdbc, TelegramOutgoing outgoing, DealMessages messages,
                               TelegramProperties telegram, ObjectMapper json, DealCharts charts) {
        return new DealNotifier(jdbc, outgoing, messages, telegram, json, charts);
    }

    /** Always there, so the prune route loads in every hub; its job is scheduled only where a sender runs. */
    @Bean
    TelegramHistory telegramHistory(TelegramProperties telegram) {
        return new TelegramHistory(telegram);
    }

    @Configuration
    @ConditionalOnExpression("!'${caravan.telegram.token:}'.trim().isEmpty() or '${caravan.telegram.dry-run:false}' == 'true'")
    static class Sending {

        @Bean
        SendGate telegramGate(TelegramProperties telegram, ClusterProperties cluster, ClusterBudgets budgets, MeterRegistry meters) {
            return cluster.budgets() == ClusterProperties.Mode.redis
                    ? new ClusterSendGate(telegram.limits(), budgets, cluster, meters)
                    : SendGate.of(telegram.limits());
        }

        @Bean
        BotApi botApi(TelegramProperties telegram, ObjectMapper json) {
            return new BotApi(telegram, json);
        }

        @Bean
        Delivery telegramDelivery(JdbcTemplate jdbc, PlatformTransactionManager transactions, BotApi api, SendGate gate,
                                  AdminAlerts alerts, TelegramProperties telegram, ObjectMapper json, MeterRegistry meters) {
            return new Delivery(jdbc, transactions, api, gate, alerts, telegram, json, meters);
        }

        @Bean
        TelegramSender telegramSender(DataSource dataSource, JdbcTemplate jdbc, Delivery delivery, SendGate gate,
                                      CaravanProperties caravan, TelegramProperties telegram, MeterRegistry meters) {
            if (telegram.dryRun()) {
                LoggerFactory.getLogger(TelegramSender.class).warn(
                        "caravan.telegram.dry-run=true: messages are logged and recorded, nothing is sent to Telegram");
            }
            return new TelegramSender(dataSource, jdbc, delivery, gate, caravan.db().schema(), meters);
        }
    }
}
