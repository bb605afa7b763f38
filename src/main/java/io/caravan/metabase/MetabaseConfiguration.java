package io.caravan.metabase;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.core.CaravanProperties;
import io.caravan.ops.JobRegistry;
import io.caravan.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
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

        /**
         * One route per card from the {@code metabase-card} template (routes/metabase-cards.yaml), added once Camel
         * has loaded the template; each is the job {@code metabase-<name>}.
         */
        @Bean
        CamelContextConfiguration metabaseCardRoutes(MetabaseProperties settings, JobRegistry jobs) {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext camelContext) {
                }

                @Override
                public void afterApplicationStart(CamelContext camelContext) {
                    for (MetabaseProperties.Card card : settings.cards()) {
                        if (!card.enabled()) {
                            jobs.disableByDefault(card.job());
                        }
                        TemplatedRouteBuilder.builder(camelContext, "metabase-card")
                                .routeId(card.job())
                                .parameter("name", card.name())
                                .parameter("cron", card.cron())
                                .parameter("timeZone", card.timeZone())
                                .parameter("description", card.description() != null ? card.description()
                                        : "Syncs Metabase card " + card.id() + " into " + card.qualifiedTable() + " ("
                                        + card.mode().name().toLowerCase() + ")")
                                .add();
                    }
                }
            };
        }

        @EventListener(ApplicationReadyEvent.class)
        void startUp(ApplicationReadyEvent event) {
            event.getApplicationContext().getBean(SyncRuns.class).failAbandoned();
            event.getApplicationContext().getBean(DatasetFreshness.class).refresh();
        }
    }
}
