package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * What the console's views show, read out of the page in one go (a script, not one WebDriver call per cell) and
 * compared with what the operator API, Prometheus and /actuator/health say at the same moment.
 */
final class ConsoleViews {

    /** The health view's number cards and the Prometheus metric each adds up. */
    static final Map<String, String> NUMBER_CARDS = new LinkedHashMap<>();

    static {
        NUMBER_CARDS.put("Outbox waiting", "caravan_outbox_pending");
        NUMBER_CARDS.put("Dead letters", "caravan_outbox_dead_letters");
        NUMBER_CARDS.put("Telegram queue", "caravan_telegram_pending");
        NUMBER_CARDS.put("Telegram 429s", "caravan_telegram_throttled_total");
        NUMBER_CARDS.put("Amazon quota left today", "caravan_amazon_quota_left_today");
        NUMBER_CARDS.put("Amazon throttles", "caravan_amazon_throttles_total");
        NUMBER_CARDS.put("Active deals", "caravan_amazon_active_deals");
    }

    /** The runs table's cells by name; the started time as its datetime attribute (the API's own text). */
    private static final String RUNS_SHOWN = """
            return [...document.querySelectorAll('#runs-table tbody tr')].map(tr => {
              const cell = name => tr.querySelector('td.' + name).innerText.trim();
              const started = tr.querySelector('td.run-started time');
              return { id: cell('run-id'), job: cell('run-job'), trigger: cell('run-trigger'), status: cell('run-status'),
                duration: cell('run-duration'), rows: cell('run-rows'), instance: cell('run-instance'),
                startedAt: started ? started.getAttribute('datetime') : '' };
            });""";

    private static final String LETTERS_SHOWN = """
            return [...document.querySelectorAll('#dead-letters-table tbody tr')].map(tr => ({ id: tr.dataset.deadLetter,
              type: tr.querySelector('td.letter-type').innerText.trim(), attempts: tr.querySelector('td.attempts').innerText.trim() }));""";

    private final ConsoleHub console;

    ConsoleViews(ConsoleHub console) {
        this.console = console;
    }

    interface Steps {
        void run() throws Exception;
    }

    /** Pauses every job (no new runs, quota use or queue growth while lists and numbers are compared), then resumes. */
    void whileEveryJobIsPaused(Steps steps) throws Exception {
        assertThat(console.post("/api/jobs/pause-all").statusCode()).isEqualTo(200);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> console.list("/api/runs?status=running&limit=10").isEmpty());
            steps.run();
        } finally {
            console.post("/api/jobs/resume-all");
        }
    }

    /** The run "Run now" just started, read from the status line, whose "run N" links to it. */
    long startedRun(String job) {
        console.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("started-run")));
        String said = console.wait.until(d -> {
            String text = d.findElement(By.id("status")).getText();
            return text.startsWith("Started " + job + " ") ? text : null;
        });
        assertThat(said).matches("Started " + job + " \\(run \\d+\\)");
        long runId = Long.parseLong(said.replaceAll(".*run (\\d+).*", "$1"));
        assertThat(console.browser.findElement(By.id("started-run")).getAttribute("href")).endsWith("#run?id=" + runId);
        return runId;
    }

    boolean lastRunShows(String job, long runId, String status) {
        WebElement last = console.row(job).findElement(By.cssSelector("td.last-run"));
        return String.valueOf(runId).equals(last.getAttribute("data-run"))
                && last.findElement(By.cssSelector(".badge")).getText().equals(status);
    }

    boolean runShown(long runId, String status) {
        return !console.browser.findElements(By.cssSelector("dl.run-detail[data-run-id='" + runId + "'][data-status='" + status + "']"))
                .isEmpty();
    }

    void assertRunShownAsTheApiSays(JsonNode run) {
        String dl = "dl.run-detail[data-run-id='" + run.get("id").asLong() + "'] ";
        assertThat(console.text(dl + ".run-job")).isEqualTo(run.get("job").asText());
        assertThat(console.text(dl + ".run-status")).isEqualTo(run.get("status").asText());
        assertThat(console.text(dl + ".run-trigger")).isEqualTo(run.get("trigger").asText());
        assertThat(console.text(dl + ".run-duration")).isEqualTo(ConsoleText.duration(ConsoleText.seconds(run)));
        assertThat(console.text(dl + ".run-rows")).isEqualTo(run.get("rows").isNull() ? "—" : run.get("rows").asText());
        assertThat(console.text(dl + ".run-instance")).isEqualTo(run.get("instance").asText());
        assertThat(console.browser.findElement(By.cssSelector(dl + ".run-started time")).getAttribute("datetime"))
                .isEqualTo(run.get("startedAt").asText());
        assertThat(console.browser.findElement(By.cssSelector(dl + ".run-finished time")).getAttribute("datetime"))
                .isEqualTo(run.get("finishedAt").asText());
    }

    /**
     * Waits until the runs table is, row for row and in order, what {@code apiPath} lists: id, job, trigger, status,
     * duration, rows, instance and start time, newest first.
     *
     * @return how many rows that is
     */
    int assertRunsTableIsTheApis(String apiPath) {
        int[] shown = {0};
        console.waitUntilShown(Duration.ofSeconds(30), () -> {
            List<JsonNode> runs = console.list(apiPath);
            List<Map<String, String>> rows = rowsShown(RUNS_SHOWN);
            shown[0] = rows.size();
            if (rows.size() != runs.size()) {
                return rows.size() + " rows, " + apiPath + " lists " + runs.size();
            }
            for (int i = 0; i < runs.size(); i++) {
                JsonNode run = runs.get(i);
                Map<String, String> expected = Map.of("id", run.get("id").asText(), "job", run.get("job").asText(),
                        "trigger", run.get("trigger").asText(), "status", run.get("status").asText(),
                        "duration", ConsoleText.duration(ConsoleText.seconds(run)),
                        "rows", run.get("rows").isNull() ? "—" : run.get("rows").asText(),
                        "instance", run.get("instance").asText(), "startedAt", run.get("startedAt").asText());
                if (!expected.equals(rows.get(i))) {
                    return "row " + i + " shows " + new TreeMap<>(rows.get(i)) + ", the API says " + new TreeMap<>(expected);
                }
                if (i > 0 && Long.parseLong(rows.get(i).get("id")) >= Long.parseLong(rows.get(i - 1).get("id"))) {
                    return "row " + i + " is not older than the row above it";
                }
            }
            return null;
        });
        return shown[0];
    }

    List<String> jobsInRunsTable() {
        return rowsShown(RUNS_SHOWN).stream().map(row -> row.get("job")).distinct().toList();
    }

    /**
     * The chart of the job's last 50 finished runs, oldest on the left: a bar per run titled with its duration and
     * rows, and the rows line through a point per run at its height.
     */
    void assertChartIsTheApis(String job) {
        List<JsonNode> finished = new ArrayList<>(console.list("/api/runs?limit=50&job=" + job).stream()
                .filter(run -> !run.get("finishedAt").isNull()).toList());
        java.util.Collections.reverse(finished);
        assertThat(finished).as("a history to chart").hasSizeGreaterThanOrEqualTo(2);
        long mostRows = Math.max(1, finished.stream().mapToLong(run -> run.get("rows").asLong(0)).max().orElse(0));
        assertThat(mostRows).as("the card loads rows").isGreaterThan(1);
        console.waitUntilShown(Duration.ofSeconds(30), () -> {
            List<WebElement> bars = console.browser.findElements(By.cssSelector("#runs-chart rect"));
            if (bars.size() != finished.size()) {
                return bars.size() + " bars for " + finished.size() + " finished runs";
            }
            String[] points = console.browser.findElement(By.cssSelector("#runs-chart polyline.rows-line"))
                    .getAttribute("points").trim().split(" ");
            if (points.length != finished.size()) {
                return points.length + " points on the rows line for " + finished.size() + " runs";
            }
            for (int i = 0; i < finished.size(); i++) {
                JsonNode run = finished.get(i);
                String title = (String) console.browser.executeScript("return arguments[0].querySelector('title').textContent;", bars.get(i));
                String expected = "run " + run.get("id").asText() + ": " + ConsoleText.duration(ConsoleText.seconds(run)) + ", "
                        + (run.get("rows").isNull() ? "—" : run.get("rows").asText()) + " rows";
                if (!expected.equals(title)) {
                    return "bar " + i + " is titled '" + title + "', expected '" + expected + "'";
                }
                // viewBox 600 x 160 with 8 of padding: rows 0 on the bottom line, the most rows at the top.
                double y = Double.parseDouble(points[i].split(",")[1]);
                double expectedY = 160 - 8 - 144.0 * run.get("rows").asLong(0) / mostRows;
                if (Math.abs(y - expectedY) > 0.01) {
                    return "the rows line is at " + y + " for run " + run.get("id").asText() + ", expected " + expectedY;
                }
            }
            String caption = console.text("#runs-chart-caption");
            return caption.startsWith(job + ", last " + finished.size() + " runs") && caption.contains("the line is rows (most " + mostRows + ")")
                    ? null : "caption: " + caption;
        });
    }

    /** Types a dead-letter type into the filter (empty: any type) and applies it with Enter. */
    void filterDeadLetters(String type) {
        WebElement box = console.browser.findElement(By.id("dead-letters-type"));
        box.clear();
        box.sendKeys(type, Keys.ENTER);
    }

    /** Waits until the dead-letters table is what /api/dead-letters?{query} lists (id, type, attempts, in order). */
    int assertDeadLettersAreTheApis(String query) {
        int[] shown = {0};
        console.waitUntilShown(Duration.ofSeconds(30), () -> {
            List<Map<String, String>> expected = console.list("/api/dead-letters?" + query).stream()
                    .map(letter -> Map.of("id", letter.get("id").asText(), "type", letter.get("type").asText(),
                            "attempts", letter.get("attempts").asText())).toList();
            List<Map<String, String>> rows = rowsShown(LETTERS_SHOWN);
            shown[0] = rows.size();
            return expected.equals(rows) ? null : "shown " + rows + ", /api/dead-letters?" + query + " lists " + expected;
        });
        return shown[0];
    }

    JsonNode deadLetter(long id) {
        return console.list("/api/dead-letters?includeReplayed=true&limit=1000").stream()
                .filter(letter -> letter.get("id").asLong() == id).findFirst().orElseThrow();
    }

    /** The replay button of a dead letter, its confirmation, and yes. */
    void replay(long letterId) {
        console.click(() -> console.browser.findElement(By.cssSelector("tr[data-dead-letter='" + letterId + "'] button[data-action='replay']")));
        WebElement dialog = console.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(dialog.getText()).contains("Replay dead letter " + letterId);
        console.browser.findElement(By.id("confirm-yes")).click();
    }

    /**
     * What differs between the health view and Prometheus or /actuator/health, read afresh: every number card, every
     * check, every dataset's age, max age and freshness. Null when nothing does.
     */
    String healthMismatch() {
        String prometheus = console.scrape("/actuator/prometheus");
        for (Map.Entry<String, String> card : NUMBER_CARDS.entrySet()) {
            String shown = console.text("[data-number='" + card.getKey() + "'] .big");
            String expected = ConsoleText.number(ConsoleText.sum(prometheus, card.getValue()));
            if (!shown.equals(expected)) {
                return card.getKey() + " shows " + shown + ", " + card.getValue() + " is " + expected;
            }
        }
        Map<String, String> checks = new TreeMap<>();
        try {
            leaves("", ConsoleHub.JSON.readTree(console.scrape("/actuator/health")), checks);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> shownChecks = new TreeMap<>();
        for (WebElement check : console.browser.findElements(By.cssSelector("[data-check]"))) {
            shownChecks.put(check.getAttribute("data-check"), check.findElement(By.cssSelector(".badge")).getText());
        }
        if (!shownChecks.equals(checks)) {
            return "checks shown " + shownChecks + ", /actuator/health says " + checks;
        }
        Map<String, Double> ages = byDataset(prometheus, "caravan_dataset_age_seconds");
        Map<String, Double> maxAges = byDataset(prometheus, "caravan_dataset_max_age_seconds");
        List<WebElement> rows = console.browser.findElements(By.cssSelector("#datasets-table tbody tr"));
        List<String> shownDatasets = rows.stream().map(row -> row.getAttribute("data-dataset")).sorted().toList();
        if (ages.isEmpty() || !shownDatasets.equals(new ArrayList<>(ages.keySet()))) {
            return "datasets shown " + shownDatasets + ", Prometheus has " + ages.keySet();
        }
        for (WebElement row : rows) {
            String dataset = row.getAttribute("data-dataset");
            String age = row.findElement(By.cssSelector("td:nth-of-type(1)")).getText();
            String maxAge = row.findElement(By.cssSelector("td:nth-of-type(2)")).getText();
            String fresh = row.findElement(By.cssSelector("td:nth-of-type(3)")).getText();
            double seconds = ages.get(dataset);
            if (!maxAge.equals(ConsoleText.age(maxAges.get(dataset)))) {
                return dataset + ": max age shown " + maxAge + ", Prometheus " + ConsoleText.age(maxAges.get(dataset));
            }
            if (Double.isNaN(seconds) ? !age.equals("never synced") : !closeTo(age, seconds)) {
                return dataset + ": age shown " + age + ", Prometheus " + seconds + " s";
            }
            String expectedFresh = !Double.isNaN(seconds) && seconds <= maxAges.get(dataset) ? "fresh" : "stale";
            if (!fresh.equals(expectedFresh)) {
                return dataset + ": shown " + fresh + ", Prometheus's age against max age says " + expectedFresh;
            }
        }
        return null;
    }

    /** An age shown at the page's last refresh (at most 5 s ago, plus its rounding) against Prometheus's now. */
    private static boolean closeTo(String shown, double seconds) {
        double[] read = ConsoleText.ageSeconds(shown);
        return Math.abs(read[0] - seconds) <= read[1] + 12;
    }

    private static Map<String, Double> byDataset(String prometheus, String metric) {
        Map<String, Double> values = new TreeMap<>();
        ConsoleText.samples(prometheus, metric).forEach((labels, value) -> values.put(ConsoleText.label(labels, "dataset"), value));
        return values;
    }

    /** /actuator/health's components as the console names them: a composite's parts as "composite/part". */
    private static void leaves(String prefix, JsonNode node, Map<String, String> checks) {
        JsonNode components = node.get("components");
        if (components == null) {
            checks.put(prefix, node.get("status").asText());
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = components.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> component = it.next();
            leaves(prefix.isEmpty() ? component.getKey() : prefix + "/" + component.getKey(), component.getValue(), checks);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, String>> rowsShown(String script) {
        return (List<Map<String, String>>) console.browser.executeScript(script);
    }
}
