package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.outbox.Outbox;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The operator console in a real browser (Debian's chromium, headless, through chromedriver) against the dev-mode hub
 * with its fakes, plus a job that always fails and an outbox handler that fails until the test mends it. Everything an
 * operator does here is checked against the API and the database. Each view's screenshot goes to docs/console/ (the
 * README shows them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    static final Path CHROMIUM = Path.of(System.getProperty("caravan.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("caravan.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("docs", "console");
    static final String SCHEMA = TestEnvironment.newSchema();
    static final String CARDS = SCHEMA + "_cards";
    static final String FAILING_JOB = "console-failing";
    static final String FLAKY_TYPE = "console.flaky";

    static ConfigurableApplicationContext hub;
    static String base;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static Path profile;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A failing job and an outbox handler that fails until mended: what an operator on call meets. */
    @Configuration
    static class Troubles {
        static final AtomicBoolean FLAKY_IS_MENDED = new AtomicBoolean();
        static final AtomicInteger FLAKY_DELIVERED = new AtomicInteger();

        @Bean
        RouteBuilder consoleTroubles() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:" + FAILING_JOB).routeId(FAILING_JOB)
                            .log("console test job runs")
                            .process(exchange -> {
                                throw new IllegalStateException("Metabase card 42 export answered 502 Bad Gateway (test)");
                            });
                    from("outbox:" + FLAKY_TYPE).routeId("console-flaky-handler")
                            .process(exchange -> {
                                if (!FLAKY_IS_MENDED.get()) {
                                    throw new IllegalStateException("partner endpoint refused the order (test)");
                                }
                            })
                            .process(exchange -> FLAKY_DELIVERED.incrementAndGet());
                }
            };
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "The console's browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "): apt-get install chromium chromium-driver (.ci/run installs them)");
        Map<String, Object> settings = new LinkedHashMap<>(DevCaravan.settings());
        settings.keySet().removeAll(Set.of("caravan.db.schema", "caravan.instance-name", "caravan.admin.token"));
        for (int card = 0; card < 3; card++) {
            settings.put("caravan.metabase.cards[" + card + "].schema", CARDS);
        }
        settings.put("caravan.metabase.cards[0].invalidate.patterns[0]", SCHEMA + ":dash:vendors:*");
        settings.put("caravan.metabase.cards[1].invalidate.tags[0]", SCHEMA + ":orders");
        settings.put("caravan.jobs." + FAILING_JOB + ".cron", "0 0 4 * * ?");
        settings.put("caravan.jobs." + FAILING_JOB + ".time-zone", "Europe/Istanbul");
        settings.put("caravan.jobs." + FAILING_JOB + ".endpoint", "direct:" + FAILING_JOB);
        settings.put("caravan.jobs." + FAILING_JOB + ".description", "Fails on purpose (browser test)");
        settings.put("caravan.outbox.max-attempts", "1");
        // Camel's own console (Hawtio) behind the same sign-in.
        settings.put("spring.profiles.active", "hawtio");
        hub = Hubs.start(SCHEMA, settings, DevConfiguration.class, Troubles.class);
        base = "http://127.0.0.1:" + hub.getEnvironment().getProperty("local.server.port");

        profile = Files.createTempDirectory("caravan-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1280,860", "--lang=en-GB", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(200));
        // The views re-render rows when their data changes: an element found a moment ago may be gone; look again.
        wait.ignoring(StaleElementReferenceException.class);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (hub != null) {
            hub.close();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        if (hub != null) {
            TestEnvironment.dropSchema(SCHEMA);
            TestEnvironment.dropSchema(CARDS);
        }
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefusedWithAMessageAndNothingElse() throws Exception {
        browser.get(base + "/console/");
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
        browser.findElement(By.id("token")).sendKeys("not-the-token", Keys.ENTER);
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-message")));
        assertThat(message.getText()).contains("That is not the admin token");
        assertThat(browser.findElements(By.tagName("nav"))).as("no console shown").isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("metabase-vendors");
        screenshot("sign-in");
    }

    @Test
    @Order(2)
    void signInShowsTheJobsOfTheDevHub() throws Exception {
        signIn();
        assertThat(browser.getCurrentUrl()).doesNotContain(TestEnvironment.ADMIN_TOKEN);
        for (String job : List.of("metabase-vendors", "metabase-orders", "amazon-prices", "amazon-discovery", FAILING_JOB)) {
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-job='" + job + "']")));
        }
        WebElement failing = row(FAILING_JOB);
        assertThat(failing.getText()).contains("at 04:00 every day").contains("Europe/Istanbul");
        // Next fire at 04:00 in the job's zone, UTC on hover.
        WebElement next = failing.findElement(By.cssSelector("td:nth-child(3) time"));
        assertThat(next.getText()).contains("04:00:00");
        assertThat(next.getAttribute("title")).startsWith("UTC ").contains("01:00:00Z");
        assertThat(row("amazon-prices").getText()).contains("every 10 seconds");
        wait.until(d -> row("metabase-vendors").findElement(By.cssSelector("td.last-run")).getText().contains("succeeded"));
        screenshot("jobs");
    }

    @Test
    @Order(3)
    void pausingAJobFromTheKeyboardShowsInTheApi() throws Exception {
        signIn();
        // From the keyboard: focus the button, press Enter.
        wait.until(d -> {
            row("metabase-orders").findElement(By.cssSelector("button[data-action='pause']")).sendKeys(Keys.ENTER);
            return true;
        });
        wait.until(d -> row("metabase-orders").findElement(By.cssSelector("td.state")).getText().equals("paused"));
        assertThat(job("metabase-orders").get("paused").asBoolean()).isTrue();
        assertThat(job("metabase-orders").get("nextFireTime").isNull()).isTrue();

        click(() -> row("metabase-orders").findElement(By.cssSelector("button[data-action='resume']")));
        wait.until(d -> row("metabase-orders").findElement(By.cssSelector("td.state")).getText().equals("active"));
        assertThat(job("metabase-orders").get("paused").asBoolean()).isFalse();
    }

    @Test
    @Order(4)
    void pauseAllAsksFirstThenPausesEveryJob() throws Exception {
        signIn();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("pause-all"))).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(dialog.getText()).contains("Pause every job");
        browser.findElement(By.id("confirm-no")).click();
        Thread.sleep(300);
        assertThat(jobs()).as("cancelled: nothing paused").noneMatch(job -> job.get("paused").asBoolean());

        browser.findElement(By.id("pause-all")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-yes"))).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs().stream().allMatch(job -> job.get("paused").asBoolean()));
        wait.until(d -> browser.findElements(By.cssSelector("#jobs-table tbody tr:not(.paused)")).isEmpty());

        browser.findElement(By.id("resume-all")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-yes"))).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs().stream().noneMatch(job -> job.get("paused").asBoolean()));
    }

    @Test
    @Order(5)
    void runNowShowsTheRunLiveUntilItFinishes() throws Exception {
        signIn();
        click(() -> row("metabase-vendors").findElement(By.cssSelector("button[data-action='run']")));
        String said = wait.until(d -> {
            String text = d.findElement(By.id("status")).getText();
            return text.startsWith("Started metabase-vendors") ? text : null;
        });
        long runId = Long.parseLong(said.replaceAll(".*run (\\d+).*", "$1"));
        // The jobs view follows the run by itself, without a reload, until it ends (or the schedule's next run,
        // possibly skipped because this one was still going, has taken its place).
        wait.until(d -> {
            WebElement last = row("metabase-vendors").findElement(By.cssSelector("td.last-run"));
            long shown = Long.parseLong(last.getAttribute("data-run"));
            return shown == runId ? last.getText().contains("succeeded") : shown > runId
                    && run(runId).get("status").asText().equals("succeeded");
        });
        assertThat(run(runId).get("status").asText()).isEqualTo("succeeded");

        browser.get(base + "/console/#runs");
        WebElement listed = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-run='" + runId + "']")));
        assertThat(listed.findElement(By.cssSelector("td.run-status")).getText()).isEqualTo("succeeded");
        assertThat(listed.getText()).contains("metabase-vendors").contains("manual");
    }

    @Test
    @Order(6)
    void aFailedRunShowsItsErrorInFullAndTheJobsHistoryChart() throws Exception {
        signIn();
        click(() -> row(FAILING_JOB).findElement(By.cssSelector("button[data-action='run']")));
        String said = wait.until(d -> {
            String text = d.findElement(By.id("status")).getText();
            return text.startsWith("Started " + FAILING_JOB) ? text : null;
        });
        long runId = Long.parseLong(said.replaceAll(".*run (\\d+).*", "$1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> run(runId).get("status").asText().equals("failed"));
        // A second run so the chart has a history.
        HTTP.send(api("/api/jobs/metabase-vendors/run").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        browser.get(base + "/console/#runs");
        new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("runs-status")))).selectByVisibleText("failed");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-run='" + runId + "']")));
        wait.until(d -> d.findElements(By.cssSelector("#runs-table tbody tr")).stream()
                .allMatch(tr -> "failed".equals(tr.getAttribute("data-status"))));
        click(() -> browser.findElement(By.cssSelector("tr[data-run='" + runId + "'] td.run-error summary")));
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-run='" + runId + "'] td.run-error pre")));
        assertThat(error.getText()).contains("Metabase card 42 export answered 502 Bad Gateway (test)");
        assertThat(error.getText()).isEqualTo(run(runId).get("error").asText());
        screenshot("runs-failed");

        new Select(browser.findElement(By.id("runs-status"))).selectByVisibleText("any status");
        new Select(browser.findElement(By.id("runs-job"))).selectByVisibleText("metabase-vendors");
        WebElement chart = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("runs-chart")));
        wait.until(d -> chart.findElements(By.tagName("rect")).size() >= 2);
        assertThat(browser.findElement(By.id("runs-chart-caption")).getText()).contains("metabase-vendors, last");
        screenshot("runs");
    }

    @Test
    @Order(7)
    void aDeadLetterIsReplayedAfterAConfirmationAndDelivered() throws Exception {
        Outbox outbox = hub.getBean(Outbox.class);
        long eventId = hub.getBean(TransactionTemplate.class).execute(status ->
                outbox.publish(FLAKY_TYPE, Map.of("order", 4711, "partner", "acme", "lines", List.of(Map.of("sku", "A-1", "qty", 2)))));
        JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letters WHERE event_id = ?", Long.class, eventId) == 1);
        long letterId = jdbc.queryForObject("SELECT id FROM dead_letters WHERE event_id = ?", Long.class, eventId);

        signIn();
        browser.get(base + "/console/#dead-letters");
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-dead-letter='" + letterId + "']")));
        assertThat(row.getText()).contains(FLAKY_TYPE);
        String letter = "tr[data-dead-letter='" + letterId + "'] ";
        click(() -> browser.findElement(By.cssSelector(letter + "td:nth-child(5) summary")));
        click(() -> browser.findElement(By.cssSelector(letter + "td:nth-child(6) summary")));
        WebElement payload = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-dead-letter='" + letterId + "'] pre.payload")));
        assertThat(payload.getText()).as("pretty-printed").contains("\"order\": 4711").contains("\n");
        assertThat(browser.findElement(By.cssSelector(letter + "td:nth-child(5) pre")).getText()).contains("partner endpoint refused the order (test)");
        screenshot("dead-letters");

        Troubles.FLAKY_IS_MENDED.set(true);
        click(() -> browser.findElement(By.cssSelector(letter + "button[data-action='replay']")));
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(dialog.getText()).contains("Replay dead letter " + letterId);
        browser.findElement(By.id("confirm-yes")).click();
        wait.until(d -> d.findElement(By.cssSelector("tr[data-dead-letter='" + letterId + "']")).getText().contains("replayed"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT done_at IS NOT NULL FROM outbox WHERE id = ?", Boolean.class, eventId));
        assertThat(Troubles.FLAKY_DELIVERED.get()).as("delivered once").isEqualTo(1);
        assertThat(browser.findElements(By.cssSelector("tr[data-dead-letter='" + letterId + "'] button[data-action='replay']")))
                .as("a replayed letter has no replay button").isEmpty();
    }

    @Test
    @Order(8)
    void flowsShowEveryRoutesStepsWithCounts() throws Exception {
        signIn();
        browser.get(base + "/console/#flows");
        // A card's route, made from the metabase-card template: its journey step by step, with counts.
        WebElement sync = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("details.route[data-route='metabase-vendors']")));
        // (The card routes share a routeConfiguration whose onException is listed among their steps: count the card step.)
        wait.until(d -> Long.parseLong(d.findElement(By.cssSelector("details.route[data-route='metabase-vendors'] tr[data-step='card'] td.count"))
                .getText()) > 0);
        sync = browser.findElement(By.cssSelector("details.route[data-route='metabase-vendors']"));
        List<WebElement> steps = sync.findElements(By.cssSelector("tr[data-step]"));
        assertThat(steps).hasSizeGreaterThanOrEqualTo(6);
        assertThat(sync.findElement(By.cssSelector("tr[data-step='card']")).getText()).contains("setHeader");
        assertThat(steps.stream().map(WebElement::getText).toList())
                .anySatisfy(step -> assertThat(step).contains("metabase:card/"))
                .anySatisfy(step -> assertThat(step).contains("pgload:"));

        WebElement failing = browser.findElement(By.cssSelector("details.route[data-route='" + FAILING_JOB + "']"));
        List<WebElement> failingSteps = failing.findElements(By.cssSelector("tr[data-step]"));
        assertThat(failingSteps).hasSize(2);
        assertThat(failingSteps.get(1).getAttribute("class")).contains("failing");
        assertThat(Long.parseLong(failingSteps.get(1).findElement(By.cssSelector("td.failures")).getText())).isGreaterThanOrEqualTo(1);
        screenshot("flows");
    }

    @Test
    @Order(9)
    void healthShowsTheServicesAndThePrometheusNumbers() throws Exception {
        signIn();
        HttpResponse<String> summary = HTTP.send(api("/api/console/health").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
        browser.get(base + "/console/#health");
        for (String check : List.of("db", "redis", "camelHealth")) {
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-check='" + check + "']")));
        }
        assertThat(browser.findElement(By.cssSelector("[data-check='db']")).getText()).contains("UP");
        assertThat(browser.findElement(By.cssSelector("[data-check='redis']")).getText()).contains("UP");
        wait.until(d -> !d.findElements(By.cssSelector("#datasets-table tr[data-dataset$='vendors']")).isEmpty());
        WebElement quota = browser.findElement(By.cssSelector("[data-number='Amazon quota left today']"));
        assertThat(quota.getText()).doesNotContain("n/a");
        screenshot("health");
    }

    @Test
    @Order(10)
    void hawtioShowsCamelsRoutesBehindTheSameSignIn() throws Exception {
        signIn();
        browser.get(base + "/actuator/hawtio/camel/routes");
        wait.until(d -> d.getPageSource().contains("metabase-vendors"));
        // The route's diagram: pick the route in Hawtio's tree, then its Route Diagram tab.
        click(() -> browser.findElement(By.xpath("//*[normalize-space(text())='metabase-vendors']")));
        click(() -> browser.findElement(By.xpath("//button[normalize-space(.)='Route Diagram'] | //a[normalize-space(.)='Route Diagram']")));
        wait.until(d -> !d.findElements(By.cssSelector(".react-flow__node, .react-flow__renderer")).isEmpty());
        Thread.sleep(1500); // the diagram lays itself out
        screenshot("hawtio");
        // Hawtio's reads go to Jolokia as POSTs with the XSRF cookie's token; without it they are refused.
        HttpResponse<String> noSession = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/jolokia/read/java.lang:type=Runtime/Uptime"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noSession.statusCode()).isEqualTo(401);
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/hawtio/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/console/sign-in");
        // Scripts reach Jolokia with the bearer token, as POSTs (jolokia-access.xml refuses GETs).
        HttpResponse<String> bearer = HTTP.send(api("/actuator/jolokia/").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(bearer.body()).get("status").asInt()).isEqualTo(200);
    }

    @Test
    @Order(11)
    void onAPhoneTheJobsStillReadAndSignOutEndsTheSession() throws Exception {
        signIn();
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-job='metabase-vendors']")));
            Long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("the page itself does not scroll sideways (tables scroll in their box)").isLessThanOrEqualTo(0L);
            screenshot("jobs-phone");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 860));
        }
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.urlContains("/console/sign-in?signed-out"));
        assertThat(browser.findElement(By.id("sign-in-message")).getText()).contains("signed out");
        browser.get(base + "/console/#jobs");
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
    }

    // ---------- helpers ----------

    private static void signIn() {
        browser.get(base + "/console/");
        if (browser.getCurrentUrl().contains("/console/sign-in")) {
            browser.findElement(By.id("token")).sendKeys(TestEnvironment.ADMIN_TOKEN);
            browser.findElement(By.id("sign-in")).click();
        }
        wait.until(d -> "jobs".equals(d.findElement(By.tagName("body")).getAttribute("data-loaded")));
    }

    /** Clicks what {@code find} finds, looking again if a refresh replaced it in between. */
    private static void click(java.util.function.Supplier<WebElement> find) {
        wait.until(d -> {
            find.get().click();
            return true;
        });
    }

    private static WebElement row(String job) {
        return browser.findElement(By.cssSelector("tr[data-job='" + job + "']"));
    }

    private static HttpRequest.Builder api(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN);
    }

    private static JsonNode get(String path) {
        try {
            return JSON.readTree(HTTP.send(api(path).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> jobs() {
        List<JsonNode> jobs = new java.util.ArrayList<>();
        get("/api/jobs").forEach(jobs::add);
        return jobs;
    }

    private static JsonNode job(String name) {
        return get("/api/jobs/" + name);
    }

    private static JsonNode run(long id) {
        return get("/api/runs/" + id);
    }

    private static void screenshot(String name) throws Exception {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
