package io.caravan.metabase;

import io.caravan.core.WhenDatabaseReturns;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.core.CaravanProperties;
import io.caravan.ops.JobRegistry;
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
        CardLoader metabaseLoader(MetabaseProperties settings, DataSource dataSource, PlatformTransactionManager transactions,
                                  MetabaseClient client) {
            return new CardLoader(dataSource, transactions, client, settings.rowLimit());
        }

        @Bean
        CardCursors cardCursors(JdbcTemplate jdbc) {
            return new CardCursors(jdbc);
        }

        @Bean
        MetabaseSync metabaseSync(MetabaseProperties settings, SyncRuns runs, CardCursors cursors, DatasetFreshness freshness,
                                  MeterRegistry meters, WhenDatabaseReturns deferred) {
            return new MetabaseSync(settings, runs, cursors, freshness, meters, deferred);
        }

        @Bean
        DriftCheck driftCheck(MetabaseSync sync, CardLoader loader) {
            return new DriftCheck(sync, loader);
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
                    // Before any route file is read: a card's route declared in a file is a job that starts disabled too.
                    settings.cards().stream().filter(card -> !card.enabled()).forEach(card -> {
                        jobs.disableByDefault(card.job());
                        jobs.disableByDefault(card.fullRefreshJob());
                    });
                }

                @Override
                public void afterApplicationStart(CamelContext camelContext) {
                    for (MetabaseProperties.Card card : settings.cards()) {
                        if (camelContext.getRoute(card.job()) != null) {
                            // A route file declared this card's route (a templatedRoute of metabase-card, or its own).
                            continue;
                        }
                        route(camelContext, card, card.job(), card.cron(), card.mode().name().toLowerCase(), "incremental", "",
                                card.description() != null ? card.description() : "Syncs Metabase card " + card.id() + " into "
                                        + card.qualifiedTable() + " (" + card.mode().name().toLowerCase() + ")");
                    }
                    for (MetabaseProperties.Card card : settings.cards()) {
                        if (card.fullRefresh() == null || camelContext.getRoute(card.fullRefreshJob()) != null) {
                            continue;
                        }
                        route(camelContext, card, card.fullRefreshJob(), card.fullRefresh(), "replace", "full", "-full-refresh",
                                "Rebuilds " + card.qualifiedTable() + " from Metabase card " + card.id() + " and resets its cursor");
                    }
                }
            };
        }

        private static void route(CamelContext camelContext, MetabaseProperties.Card card, String routeId, String cron, String mode,
                                  String refresh, String jobSuffix, String description) {
            try {
                TemplatedRouteBuilder.builder(camelContext, "metabase-card")
                        .routeId(routeId)
                        .parameter("name", card.name())
                        .parameter("cardId", String.valueOf(card.id()))
                        .parameter("schema", card.schema())
                        .parameter("table", card.table())
                        .parameter("mode", mode)
                        .parameter("refresh", refresh)
                        .parameter("jobSuffix", jobSuffix)
                        .parameter("cron", cron)
                        .parameter("timeZone", card.timeZone())
                        .parameter("description", description)
                        .add();
            } catch (Exception e) {
                throw new IllegalStateException("route " + routeId + " of Metabase card " + card.name() + ": " + e.getMessage(), e);
            }
        }

        @EventListener(ApplicationReadyEvent.class)
        void startUp(ApplicationReadyEvent event) {
            event.getApplicationContext().getBean(SyncRuns.class).failAbandoned();
            event.getApplicationContext().getBean(DatasetFreshness.class).refresh();
        }
    }
}
