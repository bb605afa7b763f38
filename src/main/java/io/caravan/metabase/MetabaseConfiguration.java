package io.caravan.metabase;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.core.CaravanProperties;
import io.caravan.ops.JobDefinition;
import io.caravan.ops.JobRegistry.JobSource;
import io.caravan.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/** Settings are always bound and validated; the client, the jobs and the freshness check exist only with a URL. */
@Configuration
@EnableConfigurationProperties(MetabaseProperties.class)
public class MetabaseConfiguration {

    @Configuration
    @ConditionalOnExpression("'${caravan.metabase.url:}'.trim() != ''")
    static class Enabled {

        @Bean(destroyMethod = "close")
        MetabaseClient metabaseClient(MetabaseProperties settings) {
            return new MetabaseClient(settings);
        }

        @Bean
        SyncRuns syncRuns(JdbcTemplate jdbc, ObjectMapper json, CaravanProperties caravan) {
            return new SyncRuns(jdbc, json, caravan.instanceName());
        }

        @Bean("datasets")
        DatasetFreshness datasetFreshness(MetabaseProperties settings, SyncRuns runs, MeterRegistry meters) {
            return new DatasetFreshness(settings.cards(), runs, meters, Clock.systemUTC());
        }

        @Bean
        MetabaseSync metabaseSync(MetabaseProperties settings, DataSource dataSource, PlatformTransactionManager transactions,
                                  MetabaseClient client, SyncRuns runs, Outbox outbox, DatasetFreshness freshness,
                                  MeterRegistry meters) {
            CardLoader loader = new CardLoader(dataSource, transactions, client, settings.rowLimit());
            return new MetabaseSync(settings, loader, runs, outbox, freshness, meters);
        }

        /** One job per card: {@code metabase-<name>}, on the card's cron in the card's time zone. */
        @Bean
        JobSource metabaseJobs(MetabaseProperties settings) {
            List<JobDefinition> jobs = settings.cards().stream()
                    .map(card -> new JobDefinition(card.job(), card.cron(), ZoneId.of(card.timeZone()), "direct:metabase-sync",
                            Map.of(MetabaseSync.CARD, card.name()), card.enabled(),
                            card.description() != null ? card.description()
                                    : "Syncs Metabase card " + card.id() + " into " + card.qualifiedTable() + " (" + card.mode().name().toLowerCase() + ")"))
                    .toList();
            return () -> jobs;
        }

        @EventListener(ApplicationReadyEvent.class)
        void startUp(ApplicationReadyEvent event) {
            event.getApplicationContext().getBean(SyncRuns.class).failAbandoned();
            event.getApplicationContext().getBean(DatasetFreshness.class).refresh();
        }
    }
}
