package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.ops.AbandonedRuns;
import io.caravan.ops.JobRunner;
import io.caravan.support.HubProcess;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two whole hubs of one credential against a Creators API stub that timestamps every request: hub a in this JVM,
 * hub p in a process of its own. Both run their jobs as operators start them (the job API, the job runner), with
 * their Quartz schedules far away. First discovery on a and price checks on p at the same time keep the credential's
 * rate together; then p is killed with SIGKILL in the middle of a price run and a, after p's claim lease, checks
 * everything p had claimed: every product checked, none written twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PriceHubsIT {

    private static final int RATE = 10;
    private static final int SEEDED = 400;
    private static final int CLAIM = 50;
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final String NEVER = "0 0 0 1 1 ? 2099";

    private final String schema = TestEnvironment.newSchema();
    private CountingCreatorsApi amazon;
    private ConfigurableApplicationContext a;
    private HubProcess p;
    private JdbcTemplate jdbc;

    private Map<String, Object> settings(String hub) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("caravan.instance-name", "hub-" + hub);
        settings.put("caravan.amazon.base-url", "http://127.0.0.1:" + amazon.port() + "/hub/" + hub);
        settings.put("caravan.amazon.token-url", "http://127.0.0.1:" + amazon.port() + "/token");
        settings.put("caravan.amazon.client-id", "amzn1.application-oa2-client.hubs");
        settings.put("caravan.amazon.client-secret", "hubs-secret-value");
        settings.put("caravan.amazon.requests-per-second", String.valueOf(RATE));
        settings.put("caravan.amazon.requests-per-day", "1000000");
        settings.put("caravan.amazon.checks.claim-size", String.valueOf(CLAIM));
        settings.put("caravan.amazon.checks.lease", LEASE.toSeconds() + "s");
        settings.put("caravan.jobs.amazon-prices.cron", NEVER);
        settings.put("caravan.jobs.amazon-discovery.cron", NEVER);
        for (int c = 0; c < 2; c++) {
            settings.put("caravan.amazon.categories[" + c + "].slug", "hubs-" + c);
            settings.put("caravan.amazon.categories[" + c + "].name", "Hubs " + c);
            settings.put("caravan.amazon.categories[" + c + "].browse-node-id", String.valueOf(700 + c));
        }
        return settings;
    }

    @BeforeAll
    void startHubs() throws Exception {
        amazon = new CountingCreatorsApi();
        a = Hubs.start(schema, settings("a"));
        jdbc = a.getBean(JdbcTemplate.class);
        p = HubProcess.start("hub-p", schema, settings("p"), Duration.ofSeconds(120));
    }

    @AfterAll
    void stopHubs() throws Exception {
        if (p != null) {
            p.close();
        }
        if (a != null) {
            a.close();
        }
        amazon.close();
        TestEnvironment.dropSchema(schema);
    }

    @Test
    @Order(1)
    void discoveryOnOneHubAndPriceChecksOnTheOtherKeepTheCredentialsRateTogether() throws Exception {
        jdbc.update("""
                INSERT INTO products (asin, marketplace, priority, next_check_at)
                SELECT 'B0SEED' || lpad(g::text, 4, '0'), 'www.amazon.com.tr', 0, now() - interval '1 minute'
                FROM generate_series(1, ?) g""", SEEDED);
        // The two must overlap for the shared rate to be tested: discovery starts once p's first price request is
        // in, and p has 40 requests (4 s at the rate) to make, so a slow start of a's discovery on a loaded machine
        // (it once began after p's 20 requests were done) still lands inside p's run.
        long prices = runOnP("amazon-prices");
        await().atMost(Duration.ofSeconds(60)).until(() -> !amazon.requests("p", "getItems").isEmpty());
        long discovery = a.getBean(JobRunner.class).startNow("amazon-discovery");
        awaitFinished(prices, Duration.ofSeconds(90));
        awaitFinished(discovery, Duration.ofSeconds(90));

        List<CountingCreatorsApi.Request> requests = amazon.requests();
        List<CountingCreatorsApi.Request> search = amazon.requests("a", "searchItems");
        List<CountingCreatorsApi.Request> items = amazon.requests("p", "getItems");
        assertThat(search).as("a's discovery: ten pages of each of two categories").hasSize(20);
        assertThat(items).as("p's price checks, at least the seeded products").hasSizeGreaterThanOrEqualTo(SEEDED / 10);
        assertThat(requests).as("nothing else called").hasSize(search.size() + items.size());
        assertThat(search.get(0).atNanos()).as("the two ran at the same time").isLessThan(items.get(items.size() - 1).atNanos());
        assertThat(items.get(0).atNanos()).isLessThan(search.get(search.size() - 1).atNanos());
        assertThat(CountingCreatorsApi.maxInWindow(requests, Duration.ofSeconds(1)))
                .as("requests of both hubs in any one second (as they arrived)").isLessThanOrEqualTo(RATE);
        assertThat(CountingCreatorsApi.perSecond(requests).values()).as("requests per wall-clock second")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(RATE));
        assertThat(status(prices)).isEqualTo("succeeded");
        assertThat(status(discovery)).isEqualTo("succeeded");
        System.out.printf("discovery + price checks on two hubs: %d searchItems (a) + %d getItems (p) in %.1f s, busiest second %d (rate %d/s)%n",
                search.size(), items.size(), (requests.get(requests.size() - 1).atNanos() - requests.get(0).atNanos()) / 1e9,
                CountingCreatorsApi.maxInWindow(requests, Duration.ofSeconds(1)), RATE);
    }

    @Test
    @Order(2)
    void aHubKilledMidPriceRunLosesNoProductAndWritesNoneTwice() throws Exception {
        // Every product due again, at a new price: each check writes one price_history row at 900.
        amazon.price("900.00");
        int products = jdbc.queryForObject("SELECT count(*) FROM products", Integer.class);
        jdbc.update("UPDATE products SET next_check_at = now() - interval '1 second'");
        int before = amazon.requests("p", "getItems").size();
        // p's first chunk (CLAIM / 10 calls) is answered and written; the first call of its second chunk is held.
        amazon.hold("p", CLAIM / 10 + 1);
        long run = runOnP("amazon-prices");
        await().atMost(Duration.ofSeconds(30)).until(() -> amazon.held() >= 1);
        p.kill();
        List<CountingCreatorsApi.Request> ofP = amazon.requests("p", "getItems").subList(before, amazon.requests("p", "getItems").size());
        Set<String> answeredToP = ofP.subList(0, CLAIM / 10).stream().flatMap(r -> r.asins().stream()).collect(Collectors.toSet());
        assertThat(answeredToP).hasSize(CLAIM);
        assertThat(written(answeredToP)).as("p wrote its first chunk before it died").isEqualTo(CLAIM);

        // p's run lock went with its connections: a's run starts, and checks everything not claimed by p.
        int afterKill = amazon.requests("a", "getItems").size();
        long first = startOnA();
        awaitFinished(first, Duration.ofSeconds(60));
        Set<String> leased = new HashSet<>(jdbc.queryForList("""
                SELECT asin FROM products WHERE asin NOT IN (SELECT asin FROM price_history WHERE price = 900)""", String.class));
        assertThat(leased).as("p's second chunk, claimed and never written, waits out its lease").hasSize(CLAIM);
        assertThat(leased).doesNotContainAnyElementsOf(answeredToP);
        Set<String> askedByA = asked(amazon.requests("a", "getItems").subList(afterKill, amazon.requests("a", "getItems").size()));
        assertThat(askedByA).as("a did not ask again for what p had written").doesNotContainAnyElementsOf(answeredToP);
        assertThat(askedByA).doesNotContainAnyElementsOf(leased).hasSize(products - 2 * CLAIM);
        a.getBean(AbandonedRuns.class).sweep(); // (or a's own sweep, once a minute, got there first)
        assertThat(status(run)).as("p's run, its lock gone with p").isEqualTo("abandoned");

        // After the lease they are due again, and a's next run checks them.
        await().atMost(LEASE.plusSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM products WHERE next_check_at <= now()", Integer.class) == CLAIM);
        int beforeSecond = amazon.requests("a", "getItems").size();
        long second = startOnA();
        awaitFinished(second, Duration.ofSeconds(60));
        assertThat(asked(amazon.requests("a", "getItems").subList(beforeSecond, amazon.requests("a", "getItems").size())))
                .as("a's second run: exactly p's lost claims").isEqualTo(leased);

        assertThat(jdbc.queryForObject("SELECT count(DISTINCT asin) FROM price_history WHERE price = 900", Integer.class))
                .as("every product checked").isEqualTo(products);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM price_history WHERE price = 900", Integer.class))
                .as("none written twice").isEqualTo(products);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM products WHERE current_price <> 900 OR current_price IS NULL", Integer.class))
                .isZero();
        System.out.printf("hub killed mid-price-run: %d products, %d written by p, %d lost with p and checked by a after the %d s lease%n",
                products, answeredToP.size(), leased.size(), LEASE.toSeconds());
    }

    private long startOnA() {
        long[] id = new long[1];
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            id[0] = a.getBean(JobRunner.class).startNow("amazon-prices");
            return true;
        });
        return id[0];
    }

    private static Set<String> asked(List<CountingCreatorsApi.Request> requests) {
        return requests.stream().flatMap(r -> r.asins().stream()).collect(Collectors.toSet());
    }

    private int written(Set<String> asins) {
        return jdbc.queryForObject("SELECT count(*) FROM price_history WHERE price = 900 AND asin = ANY(?)", Integer.class,
                (Object) asins.toArray(String[]::new));
    }

    private long runOnP(String job) throws Exception {
        var response = p.post("/api/jobs/" + job + "/run");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        Matcher id = Pattern.compile("\"runId\"\\s*:\\s*(\\d+)").matcher(response.body());
        assertThat(id.find()).as(response.body()).isTrue();
        return Long.parseLong(id.group(1));
    }

    private String status(long run) {
        return jdbc.queryForObject("SELECT status FROM job_runs WHERE id = ?", String.class, run);
    }

    private void awaitFinished(long run, Duration timeout) {
        await().atMost(timeout).until(() -> !status(run).equals("running"));
    }
}
