package io.caravan.amazon;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.deals.DealsProperties;
import io.caravan.ops.JobStateRepository;
import io.caravan.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Settings are always bound and validated; everything that talks to Amazon exists only with a client id. */
@Configuration
@EnableConfigurationProperties({AmazonProperties.class, DealsProperties.class})
public class AmazonConfiguration {

    @Configuration
    @ConditionalOnExpression("'${caravan.amazon.client-id:}'.trim() != ''")
    static class Enabled {

        @Bean
        AmazonQuota amazonQuota(JdbcTemplate jdbc, AmazonProperties amazon, MeterRegistry meters) {
            return new AmazonQuota(jdbc, amazon.clientId(), amazon.requestsPerSecond(), amazon.requestsPerDay(), meters,
                    Clock.systemUTC());
        }

        @Bean
        CreatorsApiClient creatorsApiClient(AmazonProperties amazon, ObjectMapper json, AmazonQuota quota, MeterRegistry meters) {
            return new CreatorsApiClient(amazon, json, quota, meters);
        }

        @Bean
        PriceChecks priceChecks(AmazonProperties amazon, DealsProperties deals, CreatorsApiClient client, JdbcTemplate jdbc,
                                TransactionTemplate tx, Outbox outbox, JobStateRepository jobState, MeterRegistry meters) {
            return new PriceChecks(amazon, deals, client, jdbc, tx, outbox, jobState, meters, Clock.systemUTC());
        }

        @Bean
        Discovery discovery(AmazonProperties amazon, CreatorsApiClient client, JdbcTemplate jdbc, MeterRegistry meters) {
            return new Discovery(amazon, client, jdbc, meters);
        }

        @EventListener(ApplicationReadyEvent.class)
        void syncCategories(ApplicationReadyEvent event) {
            event.getApplicationContext().getBean(Discovery.class).syncCategories();
        }
    }
}
