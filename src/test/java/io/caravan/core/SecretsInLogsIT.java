package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.HubTest;
import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/** A run that fails with a configured secret in its exception leaks it neither to the log nor to job_runs. */
@HubTest
@ExtendWith(OutputCaptureExtension.class)
@Import(SecretsInLogsIT.LeakyRoute.class)
@TestPropertySource(properties = {
        "caravan.testing.api-key=" + SecretsInLogsIT.SECRET,
        "caravan.jobs.leaky.cron=0 0 0 1 1 ? 2099",
        "caravan.jobs.leaky.endpoint=direct:leaky"})
class SecretsInLogsIT {

    static final String SECRET = "mb_live_Zq81xVv02LkPq";

    @TestConfiguration
    static class LeakyRoute {
        @Bean
        RouteBuilder leaky() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:leaky")
                            .log("calling https://metabase.example/api/card/7/query/csv?api_key=" + SECRET)
                            .throwException(new IllegalStateException(
                                    "GET https://metabase.example/api/card/7?api_key=" + SECRET + " answered 500"));
                }
            };
        }
    }

    @Autowired
    JobRunner runner;
    @Autowired
    JobRunRepository runs;

    @Test
    void secretNeverReachesTheLogOrTheRunRecord(CapturedOutput output) {
        long id = runner.startNow("leaky");
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.find(id).map(JobRun::status).orElse("").equals("failed"));

        JobRun run = runs.find(id).orElseThrow();
        assertThat(run.error()).contains("answered 500").contains(Secrets.MASK).doesNotContain(SECRET);
        assertThat(output.getAll()).contains("answered 500").contains("api_key=" + Secrets.MASK);
        assertThat(output.getAll()).doesNotContain(SECRET);
    }
}
