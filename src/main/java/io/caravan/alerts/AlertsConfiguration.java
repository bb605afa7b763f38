package io.caravan.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.core.CaravanProperties;
import io.caravan.outbox.Outbox;
import io.caravan.telegram.TelegramProperties;
import jakarta.mail.PasswordAuthentication;
import java.util.Properties;
import org.apache.camel.component.mail.MailAuthenticator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/** The alert event's publisher, the repeat window and what the channel routes ({@code routes/alerts-*.yaml}) call. */
@Configuration
@EnableConfigurationProperties(AlertsProperties.class)
public class AlertsConfiguration {

    @Bean
    AdminAlerts adminAlerts(Outbox outbox, PlatformTransactionManager transactions) {
        return new AdminAlerts(outbox, transactions);
    }

    @Bean
    AlertWindow alertWindow(JdbcTemplate jdbc, AlertsProperties alerts, ObjectMapper json) {
        return new AlertWindow(jdbc, alerts, json);
    }

    @Bean
    AlertMessages alertMessages(AlertsProperties alerts, TelegramProperties telegram, CaravanProperties caravan) {
        return new AlertMessages(alerts, telegram.adminChatId(), caravan.instanceName());
    }

    @Bean
    SlackPace slackPace(JdbcTemplate jdbc, PlatformTransactionManager transactions, AlertsProperties alerts) {
        return new SlackPace(jdbc, transactions, alerts.slack());
    }

    /**
     * The e-mail route's login ({@code authenticator=#alertsMailLogin}): without a username camel-mail does not
     * authenticate at all, where an empty {@code username=} in the URI would make it try with an empty one.
     */
    @Bean
    MailAuthenticator alertsMailLogin(AlertsProperties alerts) {
        AlertsProperties.Email email = alerts.email();
        return new MailAuthenticator() {
            @Override
            public PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(email.username(), email.password());
            }
        };
    }

    /** JavaMail settings of the e-mail route ({@code additionalJavaMailProperties=#alertsMailSettings}). */
    @Bean
    Properties alertsMailSettings(AlertsProperties alerts) {
        AlertsProperties.Email email = alerts.email();
        Properties settings = new Properties();
        settings.setProperty("mail.smtp.starttls.enable", String.valueOf(email.starttls()));
        String timeout = String.valueOf(email.timeout().toMillis());
        for (String protocol : new String[] {"smtp", "smtps"}) {
            settings.setProperty("mail." + protocol + ".connectiontimeout", timeout);
            settings.setProperty("mail." + protocol + ".timeout", timeout);
            settings.setProperty("mail." + protocol + ".writetimeout", timeout);
        }
        return settings;
    }
}
