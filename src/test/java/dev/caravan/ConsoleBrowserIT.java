package dev.caravan;

import static dev.caravan.ConsoleTroubles.FAILING_JOB;
import static dev.caravan.ConsoleTroubles.FLAKY_TYPE;
import static dev.caravan.ConsoleTroubles.REFUSED_TYPE;
import static dev.caravan.ConsoleTroubles.SLOW_JOB;
import static dev.caravan.ConsoleTroubles.SLOW_ROWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.outbox.Outbox;
import io.caravan.support.TestEnvironment;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The operator console in a real browser against the dev-mode hub with its fakes and {@link ConsoleTroubles}. What
 * each view shows is checked against the operator API, Prometheus, /actuator/health or the database, and what
 * happens while the operator watches (a run going on, a replayed event delivered) is seen without a reload. The
 * tables and numbers are compared in {@link ConsoleViews}. Each view's screenshot goes to docs/console/ (the README
 * shows them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    static ConsoleHub console;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static ConsoleViews views;
    /** The hub's route directory (caravan.routes.dir, reloaded), with one engineer's file: see the Routes view. */
    static Path routes;

    private static final String ROUTE = """
            - route:
                id: engineers-echo
                from:
                  uri: "direct:engineers-echo"
                  steps:
                    - log: "%s"
            """;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(ConsoleHub.browserInstalled(),
                "The console's browser tests need Debian's chromium and chromium-driver (" + ConsoleHub.CHROMIUM + ", "
                        + ConsoleHub.CHROMEDRIVER + "): apt-get install chromium chromium-driver (.ci/run installs them)");
        routes = Files.createTempDirectory("caravan-console-routes-");
        Files.writeString(routes.resolve("engineers-echo.yaml"), ROUTE.formatted("echo"));
        // One hub and one browser for every view (a hub and a browser cost seconds of start each).
        console = new ConsoleHub(Map.of("caravan.routes.dir", routes.toString(), "caravan.routes.reload", "true",
                "caravan.routes.reload-interval", "100ms"));
        browser = console.browser;
        wait = console.wait;
        views = new ConsoleViews(console);
    }

    @AfterAll
    static void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (routes != null) {
            FileSystemUtils.deleteRecursively(routes);
        }
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefusedWithAMessageAndNothingElse() throws Exception {
        browser.get(console.base + "/console/");
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
        browser.findElement(By.id("token")).sendKeys("not-the-token", Keys.ENTER);
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-message")));
        assertThat(message.getText()).contains("That is not the admin token");
        assertThat(browser.findElements(By.tagName("nav"))).as("no console shown").isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("metabase-vendors");
        console.screenshot("sign-in");
    }

    @Test
    @Order(2)
    void signInShowsTheJobsOfTheDevHub() throws Exception {
        console.signIn();
        assertThat(browser.getCurrentUrl()).doesNotContain(TestEnvironment.ADMIN_TOKEN);
        for (String job : List.of("metabase-vendors", "metabase-orders", "amazon-prices", "amazon-discovery", FAILING_JOB, SLOW_JOB)) {
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-job='" + job + "']")));
        }
        WebElement failing = console.row(FAILING_JOB);
        assertThat(failing.getText()).contains("at 04:00 every day").contains("Europe/Istanbul");
        // Next fire at 04:00 in the job's zone, UTC on hover.
        WebElement next = failing.findElement(By.cssSelector("td:nth-child(3) time"));
        assertThat(next.getText()).contains("04:00:00");
        assertThat(next.getAttribute("title")).startsWith("UTC ").contains("01:00:00Z");
        assertThat(console.text(ConsoleHub.rowCss("amazon-prices"))).contains("every 10 seconds");
        wait.until(d -> console.row("metabase-vendors").findElement(By.cssSelector("td.last-run")).getText().contains("succeeded"));
        console.screenshot("jobs");
    }

    @Test
    @Order(3)
    void pausingAJobFromTheKeyboardShowsInTheApi() throws Exception {
        console.signIn();
        // From the keyboard: focus the button, press Enter.
        wait.until(d -> {
            console.row("metabase-orders").findElement(By.cssSelector("button[data-action='pause']")).sendKeys(Keys.ENTER);
            return true;
        });
        wait.until(d -> console.row("metabase-orders").findElement(By.cssSelector("td.state")).getText().equals("paused"));
        assertThat(console.get("/api/jobs/metabase-orders").get("paused").asBoolean()).isTrue();
        assertThat(console.get("/api/jobs/metabase-orders").get("nextFireTime").isNull()).isTrue();

        console.click(() -> console.row("metabase-orders").findElement(By.cssSelector("button[data-action='resume']")));
        wait.until(d -> console.row("metabase-orders").findElement(By.cssSelector("td.state")).getText().equals("active"));
        assertThat(console.get("/api/jobs/metabase-orders").get("paused").asBoolean()).isFalse();
    }

    @Test
    @Order(4)
    void pauseAllAsksFirstThenPausesEveryJob() throws Exception {
        console.signIn();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("pause-all"))).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(dialog.getText()).contains("Pause every job");
        browser.findElement(By.id("confirm-no")).click();
        Thread.sleep(300);
        assertThat(console.list("/api/jobs")).as("cancelled: nothing paused").noneMatch(job -> job.get("paused").asBoolean());

        browser.findElement(By.id("pause-all")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-yes"))).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.list("/api/jobs").stream().allMatch(job -> job.get("paused").asBoolean()));
        wait.until(d -> browser.findElements(By.cssSelector("#jobs-table tbody tr:not(.paused)")).isEmpty());

        browser.findElement(By.id("resume-all")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-yes"))).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.list("/api/jobs").stream().noneMatch(job -> job.get("paused").asBoolean()));
    }

    @Test
    @Order(5)
    void runNowShowsTheRunRunningThenSucceededWithoutAReload() throws Exception {
        console.signIn();
        // A mark on this document: a reload would lose it.
        browser.executeScript("window.caravanSameDocument = true;");
        console.click(() -> console.row(SLOW_JOB).findElement(By.cssSelector("button[data-action='run']")));
        long runId = views.startedRun(SLOW_JOB);

        // The jobs view shows the run going on, by itself: the slow job waits until this test lets it finish.
        wait.until(d -> views.lastRunShows(SLOW_JOB, runId, "running"));
        assertThat(console.run(runId).get("status").asText()).isEqualTo("running");
        assertThat(console.row(SLOW_JOB).findElement(By.cssSelector("td.last-run .duration")).getText()).isEqualTo("—");

        // The status line's "run N" opens that run, which is followed too.
        browser.findElement(By.id("started-run")).click();
        wait.until(d -> views.runShown(runId, "running"));
        assertThat(console.text("#run-title")).isEqualTo("Run " + runId);
        ConsoleTroubles.SLOW_JOB_MAY_FINISH.countDown();
        wait.until(d -> views.runShown(runId, "succeeded"));
        JsonNode finished = console.run(runId);
        assertThat(finished.get("status").asText()).isEqualTo("succeeded");
        assertThat(finished.get("rows").asLong()).isEqualTo(SLOW_ROWS);
        views.assertRunShownAsTheApiSays(finished);
        console.screenshot("run");

        // Back to the jobs view by its nav link: the run's outcome, rows and duration.
        browser.findElement(By.cssSelector("nav a[data-view='jobs']")).click();
        wait.until(d -> views.lastRunShows(SLOW_JOB, runId, "succeeded"));
        WebElement last = console.row(SLOW_JOB).findElement(By.cssSelector("td.last-run"));
        assertThat(last.findElement(By.cssSelector(".rows")).getText()).isEqualTo(SLOW_ROWS + " rows");
        assertThat(last.findElement(By.cssSelector(".duration")).getText()).isEqualTo(ConsoleText.duration(ConsoleText.seconds(finished)));
        assertThat(browser.executeScript("return window.caravanSameDocument === true;")).as("no reload on the way").isEqualTo(true);
    }

    @Test
    @Order(6)
    void aFailedRunShowsItsErrorInTheJobsAndTheRunsView() throws Exception {
        console.signIn();
        console.click(() -> console.row(FAILING_JOB).findElement(By.cssSelector("button[data-action='run']")));
        long runId = views.startedRun(FAILING_JOB);
        wait.until(d -> views.lastRunShows(FAILING_JOB, runId, "failed"));
        JsonNode failed = console.run(runId);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        WebElement last = console.row(FAILING_JOB).findElement(By.cssSelector("td.last-run"));
        assertThat(last.findElement(By.cssSelector(".error")).getText())
                .contains("Metabase card 42 export answered 502 Bad Gateway (test)")
                .isEqualTo(failed.get("error").asText().replaceAll("\\s+", " ").trim());
        assertThat(last.findElement(By.cssSelector(".duration")).getText()).isEqualTo(ConsoleText.duration(ConsoleText.seconds(failed)));
        assertThat(last.findElements(By.cssSelector(".rows"))).as("a failed run reports no rows").hasSize(failed.get("rows").isNull() ? 0 : 1);

        console.open("#runs");
        new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("runs-status")))).selectByVisibleText("failed");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-run='" + runId + "']")));
        wait.until(d -> d.findElements(By.cssSelector("#runs-table tbody tr")).stream()
                .allMatch(tr -> "failed".equals(tr.getAttribute("data-status"))));
        console.click(() -> browser.findElement(By.cssSelector("tr[data-run='" + runId + "'] td.run-error summary")));
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-run='" + runId + "'] td.run-error pre")));
        assertThat(error.getText()).isEqualTo(failed.get("error").asText());
        console.screenshot("runs-failed");
    }

    @Test
    @Order(7)
    void theRunsViewFiltersByJobNewestFirstChartsDurationAndRowsAndShowsAsManyAsAsked() throws Exception {
        // More runs than the smallest choice shows. The dev hub's schedules make about ten a minute; the operator's
        // run-now of the card job (a few hundred rows from the dev fake) makes them in seconds instead of a minute.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (console.list("/api/runs?limit=21").size() == 21) {
                return true;
            }
            console.post("/api/jobs/metabase-vendors/run");
            return false;
        });
        views.whileEveryJobIsPaused(() -> {
            console.signIn();
            console.open("#runs");
            views.assertRunsTableIsTheApis("/api/runs?limit=100");
            assertThat(views.jobsInRunsTable()).as("all jobs: several").hasSizeGreaterThan(1);

            new Select(browser.findElement(By.id("runs-job"))).selectByVisibleText("metabase-vendors");
            views.assertRunsTableIsTheApis("/api/runs?job=metabase-vendors&limit=100");
            assertThat(views.jobsInRunsTable()).containsExactly("metabase-vendors");
            views.assertChartIsTheApis("metabase-vendors");
            console.screenshot("runs");

            new Select(browser.findElement(By.id("runs-job"))).selectByVisibleText("all jobs");
            new Select(browser.findElement(By.id("runs-limit"))).selectByVisibleText("20");
            views.assertRunsTableIsTheApis("/api/runs?limit=20");
            assertThat(console.text("#runs-count")).isEqualTo("The newest 20 runs; show more to see older ones.");
            new Select(browser.findElement(By.id("runs-limit"))).selectByVisibleText("1000");
            int all = views.assertRunsTableIsTheApis("/api/runs?limit=1000");
            assertThat(all).as("more than 20").isGreaterThan(20);
        });
    }

    @Test
    @Order(8)
    void aRunIsLookedUpByItsNumberFromTheKeyboard() throws Exception {
        console.signIn();
        console.open("#runs");
        JsonNode failed = console.list("/api/runs?job=" + FAILING_JOB + "&limit=1").get(0);
        long id = failed.get("id").asLong();
        browser.findElement(By.id("run-lookup-id")).sendKeys(String.valueOf(id), Keys.ENTER);
        wait.until(d -> views.runShown(id, "failed"));
        assertThat(browser.getCurrentUrl()).endsWith("#run?id=" + id);
        views.assertRunShownAsTheApiSays(failed);
        assertThat(console.text("dl.run-detail .run-error pre")).isEqualTo(failed.get("error").asText());

        // Its job's link: the runs view for that job.
        browser.findElement(By.cssSelector("dl.run-detail .run-job a")).click();
        wait.until(d -> "runs".equals(d.findElement(By.tagName("body")).getAttribute("data-loaded")));
        assertThat(new Select(browser.findElement(By.id("runs-job"))).getFirstSelectedOption().getText()).isEqualTo(FAILING_JOB);
        views.assertRunsTableIsTheApis("/api/runs?job=" + FAILING_JOB + "&limit=100");

        // A number no run has: the API's answer, in the view.
        WebElement box = browser.findElement(By.id("run-lookup-id"));
        box.clear();
        box.sendKeys("987654321", Keys.ENTER);
        WebElement missing = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("run-missing")));
        assertThat(missing.getText()).isEqualTo(console.get("/api/runs/987654321").get("message").asText());
    }

    @Test
    @Order(9)
    void deadLettersFilterByTypeAndLimitAndAReplayIsSeenDelivered() throws Exception {
        Outbox outbox = console.hub.getBean(Outbox.class);
        TransactionTemplate transactions = console.hub.getBean(TransactionTemplate.class);
        JdbcTemplate jdbc = console.hub.getBean(JdbcTemplate.class);
        transactions.executeWithoutResult(status -> {
            for (int order = 5000; order < 5021; order++) {
                outbox.publish(REFUSED_TYPE, Map.of("order", order));
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letters WHERE type = ?", Long.class, REFUSED_TYPE) == 21);
        long eventId = transactions.execute(status ->
                outbox.publish(FLAKY_TYPE, Map.of("order", 4711, "partner", "acme", "lines", List.of(Map.of("sku", "A-1", "qty", 2)))));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letters WHERE event_id = ?", Long.class, eventId) == 1);
        long letterId = jdbc.queryForObject("SELECT id FROM dead_letters WHERE event_id = ?", Long.class, eventId);

        console.signIn();
        console.open("#dead-letters");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-dead-letter='" + letterId + "']")));
        views.filterDeadLetters(REFUSED_TYPE);
        assertThat(views.assertDeadLettersAreTheApis("type=" + REFUSED_TYPE + "&includeReplayed=true&limit=200")).isEqualTo(21);
        new Select(browser.findElement(By.id("dead-letters-limit"))).selectByVisibleText("20");
        assertThat(views.assertDeadLettersAreTheApis("type=" + REFUSED_TYPE + "&includeReplayed=true&limit=20")).isEqualTo(20);
        assertThat(console.text("#dead-letters-count")).isEqualTo("The newest 20 dead letters; show more to see older ones.");

        views.filterDeadLetters(FLAKY_TYPE);
        assertThat(views.assertDeadLettersAreTheApis("type=" + FLAKY_TYPE + "&includeReplayed=true&limit=20")).isEqualTo(1);
        String letter = "tr[data-dead-letter='" + letterId + "'] ";
        assertThat(console.text(letter + "td.attempts")).isEqualTo("1").isEqualTo(String.valueOf(jdbc.queryForObject(
                "SELECT attempts FROM dead_letters WHERE id = ?", Integer.class, letterId)));
        console.click(() -> browser.findElement(By.cssSelector(letter + "td:nth-child(5) summary")));
        console.click(() -> browser.findElement(By.cssSelector(letter + "td:nth-child(6) summary")));
        WebElement payload = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(letter + "pre.payload")));
        assertThat(payload.getText()).as("pretty-printed").contains("\"order\": 4711").contains("\n");
        assertThat(console.text(letter + "td:nth-child(5) pre")).contains("partner endpoint refused the order (test)");

        ConsoleTroubles.FLAKY_IS_MENDED.set(true);
        views.replay(letterId);
        WebElement delivered = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(letter + "td.replay .delivery[data-outcome='delivered']")));
        JsonNode listed = views.deadLetter(letterId);
        assertThat(listed.get("replayOutcome").asText()).isEqualTo("delivered");
        assertThat(delivered.getText()).startsWith("delivered ");
        assertThat(delivered.findElement(By.tagName("time")).getAttribute("datetime")).isEqualTo(listed.get("deliveredAt").asText());
        assertThat(console.text(letter + "td.replay")).contains("replayed");
        assertThat(jdbc.queryForObject("SELECT done_at IS NOT NULL FROM outbox WHERE id = ?", Boolean.class, eventId)).isTrue();
        assertThat(ConsoleTroubles.FLAKY_DELIVERED.get()).as("delivered once").isEqualTo(1);
        assertThat(browser.findElements(By.cssSelector(letter + "button[data-action='replay']")))
                .as("a replayed letter has no replay button").isEmpty();

        // A replay that fails again says so, naming the new dead letter.
        views.filterDeadLetters(REFUSED_TYPE);
        views.assertDeadLettersAreTheApis("type=" + REFUSED_TYPE + "&includeReplayed=true&limit=20");
        long refused = Long.parseLong(browser.findElement(By.cssSelector("#dead-letters-table tbody tr")).getAttribute("data-dead-letter"));
        long refusedEvent = jdbc.queryForObject("SELECT event_id FROM dead_letters WHERE id = ?", Long.class, refused);
        views.replay(refused);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letters WHERE event_id = ?", Long.class, refusedEvent) == 2);
        long again = jdbc.queryForObject("SELECT max(id) FROM dead_letters WHERE event_id = ?", Long.class, refusedEvent);
        WebElement failedAgain = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-dead-letter='" + refused + "'] .delivery[data-outcome='failed-again']")));
        assertThat(failedAgain.getText()).isEqualTo("failed again: dead letter " + again);

        views.filterDeadLetters("");
        new Select(browser.findElement(By.id("dead-letters-limit"))).selectByVisibleText("200");
        views.assertDeadLettersAreTheApis("includeReplayed=true&limit=200");
        console.screenshot("dead-letters");
    }

    @Test
    @Order(10)
    void flowsShowEveryRoutesStepsWithCounts() throws Exception {
        console.signIn();
        console.open("#flows");
        // A card's route, made from the metabase-card template: its journey step by step, with counts.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("details.route[data-route='metabase-vendors']")));
        // (The card routes share a routeConfiguration whose onException is listed among their steps: count the card step.)
        wait.until(d -> Long.parseLong(d.findElement(By.cssSelector("details.route[data-route='metabase-vendors'] tr[data-step='card'] td.count"))
                .getText()) > 0);
        WebElement sync = browser.findElement(By.cssSelector("details.route[data-route='metabase-vendors']"));
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
        console.screenshot("flows");
    }

    @Test
    @Order(11)
    void healthShowsWhatPrometheusAndTheHealthEndpointSay() throws Exception {
        views.whileEveryJobIsPaused(() -> {
            console.signIn();
            console.open("#health");
            // Paused, the numbers settle once the outbox and the Telegram queue have drained.
            console.waitUntilShown(Duration.ofSeconds(90), views::healthMismatch);
            for (String label : ConsoleViews.NUMBER_CARDS.keySet()) {
                assertThat(console.text("[data-number='" + label + "'] .big")).as(label).isNotEqualTo("n/a");
            }
            for (String check : List.of("db", "redis", "camelHealth")) {
                assertThat(console.text("[data-check='" + check + "'] .badge")).as(check).isEqualTo("UP");
            }
            console.screenshot("health");
        });
    }

    @Test
    @Order(12)
    void hawtioIsLinkedAndShowsCamelsRoutesBehindTheSameSignIn() throws Exception {
        console.signIn();
        WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("hawtio-link")));
        assertThat(link.getAttribute("href")).isEqualTo(console.base + "/actuator/hawtio/");
        link.click();
        wait.until(ExpectedConditions.urlContains("/actuator/hawtio"));
        assertThat(browser.getCurrentUrl()).as("the session is Hawtio's too").doesNotContain("/console/sign-in");
        browser.get(console.base + "/actuator/hawtio/camel/routes");
        wait.until(d -> d.getPageSource().contains("metabase-vendors"));
        // The route's diagram: pick the route in Hawtio's tree, then its Route Diagram tab.
        console.click(() -> browser.findElement(By.xpath("//*[normalize-space(text())='metabase-vendors']")));
        console.click(() -> browser.findElement(By.xpath("//button[normalize-space(.)='Route Diagram'] | //a[normalize-space(.)='Route Diagram']")));
        wait.until(d -> !d.findElements(By.cssSelector(".react-flow__node, .react-flow__renderer")).isEmpty());
        Thread.sleep(1500); // the diagram lays itself out
        console.screenshot("hawtio");
        // Without a session: Jolokia refuses, Hawtio's page sends a person to the sign-in.
        HttpResponse<String> noSession = ConsoleHub.HTTP.send(HttpRequest.newBuilder(URI.create(console.base + "/actuator/jolokia/"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noSession.statusCode()).isIn(401, 403);
        HttpResponse<String> page = ConsoleHub.HTTP.send(HttpRequest.newBuilder(URI.create(console.base + "/actuator/hawtio/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/console/sign-in");
        // Scripts reach Jolokia with the bearer token, as POSTs (jolokia-access.xml refuses GETs).
        HttpResponse<String> bearer = ConsoleHub.HTTP.send(console.api("/actuator/jolokia/").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(ConsoleHub.JSON.readTree(bearer.body()).get("status").asInt()).isEqualTo(200);
    }

    @Test
    @Order(13)
    void onAPhoneTheJobsStillReadAndSignOutEndsTheSession() throws Exception {
        console.signIn();
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-job='metabase-vendors']")));
            Long overflow = (Long) browser.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("the page itself does not scroll sideways (tables scroll in their box)").isLessThanOrEqualTo(0L);
            console.screenshot("jobs-phone");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 860));
        }
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.urlContains("/console/sign-in?signed-out"));
        assertThat(browser.findElement(By.id("sign-in-message")).getText()).contains("signed out");
        browser.get(console.base + "/console/#jobs");
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
    }

    /**
     * The Routes view: every route file of the dev hub, built in and from its route directory, with its routes; a file
     * broken on the running hub shows failed with file, line and Camel's message while its previous route still shows
     * started, and shows loaded again once fixed. Compared with GET /api/routes.
     */
    @Test
    @Order(14)
    void theRoutesViewShowsEachFileItsRoutesAndALoadError() throws Exception {
        Path file = routes.resolve("engineers-echo.yaml");
        console.signIn();
        console.open("#routes");
        WebElement row = wait.until(d -> d.findElement(By.cssSelector("[data-route-file='engineers-echo.yaml']")));
        assertThat(row.getText()).contains("directory", "loaded", "engineers-echo", "started");
        // Built-in files, each with its routes, as the API lists them.
        JsonNode api = console.get("/api/routes");
        List<WebElement> rows = browser.findElements(By.cssSelector("#routes-table tbody tr"));
        assertThat(rows).hasSize(api.size());
        WebElement posts = browser.findElement(By.cssSelector("[data-route-file='telegram-posts.yaml']"));
        assertThat(posts.getText()).contains("built-in", "loaded");

        Files.writeString(file, ROUTE.formatted("echo") + "        - to: \"nosuchscheme:foo\"\n");
        wait.until(d -> d.findElement(By.cssSelector("[data-route-file='engineers-echo.yaml']")).getText().contains("failed"));
        row = browser.findElement(By.cssSelector("[data-route-file='engineers-echo.yaml']"));
        String error = row.findElement(By.cssSelector("[data-error]")).getText();
        assertThat(error).startsWith("engineers-echo.yaml:").contains("nosuchscheme");
        assertThat(row.findElement(By.cssSelector("[data-route-id='engineers-echo']")).getText()).as("the previous version runs")
                .contains("started");
        console.screenshot("routes");

        Files.writeString(file, ROUTE.formatted("echo, fixed"));
        wait.until(d -> d.findElement(By.cssSelector("[data-route-file='engineers-echo.yaml']")).getText().contains("loaded"));
        assertThat(browser.findElements(By.cssSelector("[data-route-file='engineers-echo.yaml'] [data-error]"))).isEmpty();
    }
}
