package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.outbox.Outbox;
import io.caravan.support.HubTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** Every metric the Grafana dashboards and the alert rules query is one the hub really exports. */
@HubTest
@TestPropertySource(properties = {
        "caravan.jobs.heartbeat.cron=0 0 0 1 1 ? 2099",
        "caravan.jobs.heartbeat.endpoint=direct:heartbeat",
        "caravan.outbox.initial-backoff=10ms", "caravan.outbox.max-backoff=20ms"})
class MonitoringMetricsTest {

    /** Metric names as PromQL uses them: our own, Camel's, Spring's HTTP and the JVM's. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:caravan|camel|http_server|jvm|process)_[a-z0-9_]+)\\b");

    @LocalServerPort
    int port;
    @Autowired
    JobRunner runner;
    @Autowired
    JobRunRepository runs;
    @Autowired
    Outbox outbox;

    @Test
    void dashboardsAndAlertsQueryOnlyExportedMetrics() throws Exception {
        long run = runner.startNow("heartbeat");
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.find(run).map(JobRun::finishedAt).isPresent());
        outbox.publish("monitoring.probe", Map.of());
        scrape(); // HTTP server metrics exist once a request has finished
        String scrape = await().atMost(Duration.ofSeconds(10)).until(this::scrape,
                body -> body.contains("caravan_outbox_deliveries_total"));

        Set<String> queried = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("monitoring/grafana/dashboards")),
                Stream.of(Path.of("monitoring/prometheus/alerts.yml")))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher names = METRIC.matcher(Files.readString(file));
                while (names.find()) {
                    queried.add(names.group(1));
                }
            }
        }
        assertThat(queried).contains("caravan_job_runs_total", "caravan_outbox_pending");
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]")[0]);
            }
        }
        assertThat(exported).containsAll(queried);
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
