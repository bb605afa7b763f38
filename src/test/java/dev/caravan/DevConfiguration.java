package dev.caravan;

import java.time.Clock;
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

    @Bean
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
