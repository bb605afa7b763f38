package io.caravan.amazon;

import io.caravan.core.budget.ClusterBudgets;
import io.caravan.core.budget.ClusterProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.deals.DealsProperties;
import io.caravan.ops.JobStateRepository;
import io.caravan.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Settings are always bound and validated, and the beans the amazon-*.yaml routes call always exist (so the route
 * files load with the flow off); only what talks to Amazon — the client and its quota, behind {@code creators:} —
 * exists with a client id.
 */
@Configuration
@EnableConfigurationProperties({AmazonProperties.class, DealsProperties.class})
public class AmazonConfiguration {

    @Bean
    PriceClaims priceClaims(AmazonProperties amazon, JdbcTemplate jdbc, TransactionTemplate tx) {
        return new PriceClaims(amazon, jdbc, tx);
    }

    @Bean
    PriceCalls priceCalls() {
        return new PriceCalls();
    }

    @Bean
    PricePlan pricePlan(AmazonProperties amazon, DealsProperties deals, JdbcTemplate jdbc, MeterRegistry meters) {
        return new PricePlan(amazon, deals, jdbc, meters, Clock.systemUTC());
    }

    @Bean
    PriceWrite priceWrite(AmazonProperties amazon, DealsProperties deals, JdbcTemplate jdbc, TransactionTemplate tx,
                          Outbox outbox, MeterRegistry meters, PricePlan plan) {
        return new PriceWrite(amazon, deals, jdbc, tx, outbox, meters, Clock.systemUTC(), plan);
    }

    @Bean
    PriceRun priceRun(AmazonProperties amazon, PriceClaims claims, JdbcTemplate jdbc, TransactionTemplate tx, Outbox outbox,
                      JobStateRepository jobState, MeterRegistry meters, PricePlan plan) {
        return new PriceRun(amazon, claims, jdbc, tx, outbox, jobState, meters, plan, Clock.systemUTC());
    }

    /**
     * The price checks' getItems calls in flight: the route's split runs on it, so concurrent runs in this instance
     * together keep at most {@code caravan.amazon.checks.concurrency} calls out. Threads start on demand.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService amazonCalls(AmazonProperties amazon) {
        AtomicInteger threadNumber = new AtomicInteger();
        return Executors.newFixedThreadPool(amazon.checks().concurrency(), task -> {
            Thread thread = new Thread(task, "amazon-getitems-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    Discovery discovery(AmazonProperties amazon, JdbcTemplate jdbc, MeterRegistry meters) {
        return new Discovery(amazon, jdbc, meters);
    }

    @Configuration
    @ConditionalOnExpression("'${caravan.amazon.client-id:}'.trim() != ''")
    static class Enabled {

        @Bean
        AmazonQuota amazonQuota(JdbcTemplate jdbc, AmazonProperties amazon, MeterRegistry meters, ClusterProperties cluster,
                                ClusterBudgets budgets) {
            AmazonQuota quota = new AmazonQuota(jdbc, amazon.clientId(), amazon.requestsPerSecond(), amazon.sendMargin(),
                    amazon.requestsPerDay(), meters, Clock.systemUTC());
            if (cluster.budgets() == ClusterProperties.Mode.redis) {
                quota.sharedBy(new ClusterPace(budgets, cluster, amazon.clientId(), amazon.requestsPerSecond(),
                        1 / (1 - amazon.sendMargin()), meters));
            }
            return quota;
        }

        @Bean
        CreatorsApiClient creatorsApiClient(AmazonProperties amazon, ObjectMapper json, AmazonQuota quota, MeterRegistry meters) {
            return new CreatorsApiClient(amazon, json, quota, meters);
        }

        @EventListener(ApplicationReadyEvent.class)
        void syncCategories(ApplicationReadyEvent event) {
            event.getApplicationContext().getBean(Discovery.class).syncCategories();
        }
    }
}
