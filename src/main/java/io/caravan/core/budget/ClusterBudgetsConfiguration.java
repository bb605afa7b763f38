package io.caravan.core.budget;

import io.caravan.core.CaravanProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

@Configuration
@EnableConfigurationProperties(ClusterProperties.class)
public class ClusterBudgetsConfiguration {

    /** Keys share one hash tag, so the scripts also run on a Redis Cluster; the schema keeps clusters apart. */
    @Bean
    ClusterBudgets clusterBudgets(StringRedisTemplate redis, CaravanProperties caravan, ClusterProperties cluster) {
        return new ClusterBudgets(redis, "{caravan:" + caravan.db().schema() + "}:budget:", cluster.callLease());
    }
}
