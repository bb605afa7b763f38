package dev.caravan;

import io.caravan.ops.JobRegistry;
import io.caravan.ops.JobRunner;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Dev mode's extra beans: the three fakes and the /dev pages. Lives on the test classpath only and outside the
 * io.caravan package, so neither production nor the tests' hubs pick it up.
 */
@Configuration
public class DevConfiguration {

    static final String METABASE_API_KEY = "mb-dev-key-0000";
    static final String AMAZON_CLIENT_ID = "amzn1.application-oa2-client.dev";
    static final String AMAZON_CLIENT_SECRET = "dev-client-secret-0000";
    static final String TELEGRAM_TOKEN = "123456:DEV-fake-token-not-real";

    static final FakeMetabase METABASE = new FakeMetabase(METABASE_API_KEY, "dev@caravan.local", "dev-password",
            Clock.systemUTC());
    static final FakeAmazon AMAZON = new FakeAmazon(AMAZON_CLIENT_ID, AMAZON_CLIENT_SECRET, Clock.systemUTC());
    static final FakeTelegram TELEGRAM = new FakeTelegram(TELEGRAM_TOKEN);

    private static final Logger log = LoggerFactory.getLogger(DevConfiguration.class);

    /**
     * A new user should not wait for the first cron tick: discovery and every card run once as soon as the hub is up.
     * Through the job runner, so they show in /api/runs like any other run.
     */
    @EventListener(ApplicationReadyEvent.class)
    void firstRun(ApplicationReadyEvent ready) {
        JobRegistry jobs = ready.getApplicationContext().getBean(JobRegistry.class);
        JobRunner runner = ready.getApplicationContext().getBean(JobRunner.class);
        for (String job : jobs.names()) {
            if (job.equals("amazon-discovery") || job.startsWith("metabase-")) {
                try {
                    runner.startNow(job);
                } catch (io.caravan.ops.JobAlreadyRunningException alreadyRunning) {
                    log.info("dev mode: {} not started at startup: {}", job, alreadyRunning.getMessage());
                }
            }
        }
    }

    /** The fake outlives any one hub (it is static): not closed with this context, so a later hub in the JVM reaches it. */
    @Bean(destroyMethod = "")
    FakeTelegram fakeTelegram() {
        return TELEGRAM;
    }

    @Bean
    DevTelegramPage devTelegramPage(FakeTelegram telegram) {
        return new DevTelegramPage(telegram);
    }

    /** The dev pages are for a person with a browser: no bearer token. */
    @Bean
    @Order(0)
    SecurityFilterChain devPages(HttpSecurity http) throws Exception {
        return http.securityMatcher("/dev/**")
                .csrf(csrf -> csrf.disable())
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .build();
    }
}
