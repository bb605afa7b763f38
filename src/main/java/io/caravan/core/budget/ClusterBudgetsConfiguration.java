package io.caravan.core.budget;

import io.caravan.core.CaravanProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

@Configuration
@EnableConfigurationProperties(ClusterProperties.class)
public class ClusterBudgetsConfiguration {

    /** Longer than any outside call may take (the clients' own timeouts are well under a minute). */
    static final Duration LEASE = Duration.ofMinutes(2);

    /** Keys share one hash tag, so the scripts also run on a Redis Cluster; the schema keeps clusters apart. */
    @Bean
    ClusterBudgets clusterBudgets(StringRedisTemplate redis, CaravanProperties caravan) {
        return new ClusterBudgets(redis, "{caravan:" + caravan.db().schema() + "}:budget:", LEASE);
    }
}
