package dev.caravan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dev-mode hub with {@link ConsoleTroubles} (and Hawtio), a headless Chromium (Debian's, through chromedriver)
 * pointed at its console, and the API and Prometheus beside it to check what the page shows.
 */
final class ConsoleHub implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("caravan.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("caravan.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("docs", "console");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final String schema = TestEnvironment.newSchema();
    final String cards = schema + "_cards";
    final ConfigurableApplicationContext hub;
    final String base;
    final ChromeDriver browser;
    final WebDriverWait wait;
    private final Path profile;

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    ConsoleHub() throws Exception {
        this(Map.of());
    }

    /** The same hub with more settings (a test's own route directory, say). */
    ConsoleHub(Map<String, Object> extra) throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>(DevCaravan.settings());
        settings.keySet().removeAll(Set.of("caravan.db.schema", "caravan.instance-name", "caravan.admin.token"));
        for (int card = 0; card < 3; card++) {
            settings.put("caravan.metabase.cards[" + card + "].schema", cards);
        }
        settings.put("caravan.metabase.cards[0].invalidate.patterns[0]", schema + ":dash:vendors:*");
        settings.put("caravan.metabase.cards[1].invalidate.tags[0]", schema + ":orders");
        settings.putAll(ConsoleTroubles.settings());
        // Camel's own console (Hawtio) behind the same sign-in.
        settings.put("spring.profiles.active", "hawtio");
        settings.putAll(extra);
        ConsoleTroubles.SLOW_JOB_MAY_FINISH = new CountDownLatch(1);
        hub = Hubs.start(schema, settings, DevConfiguration.class, ConsoleTroubles.class);
        base = "http://127.0.0.1:" + hub.getEnvironment().getProperty("local.server.port");

        try {
            profile = Files.createTempDirectory("caravan-chromium-");
            browser = startBrowser(profile);
        } catch (Exception e) {
            // No browser, no test: the hub must not outlive it.
            hub.close();
            throw e;
        }
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(200));
        // The views re-render rows when their data changes: an element found a moment ago may be gone; look again.
        wait.ignoring(StaleElementReferenceException.class);
        Files.createDirectories(SCREENSHOTS);
    }

    private static ChromeDriver startBrowser(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1280,860", "--lang=en-GB", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @Override
    public void close() throws Exception {
        ConsoleTroubles.SLOW_JOB_MAY_FINISH.countDown();
        browser.quit();
        hub.close();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
        TestEnvironment.dropSchema(schema);
        TestEnvironment.dropSchema(cards);
    }

    void signIn() {
        browser.get(base + "/console/");
        if (browser.getCurrentUrl().contains("/console/sign-in")) {
            browser.findElement(By.id("token")).sendKeys(TestEnvironment.ADMIN_TOKEN);
            browser.findElement(By.id("sign-in")).click();
        }
        wait.until(d -> "jobs".equals(d.findElement(By.tagName("body")).getAttribute("data-loaded")));
    }

    /** Opens a view by its address, as a click on its nav link does (no reload), and waits for its data. */
    void open(String hash) {
        browser.executeScript("location.hash = arguments[0];", hash);
        String view = hash.replaceFirst("^#", "").replaceFirst("\\?.*", "");
        wait.until(d -> view.equals(d.findElement(By.tagName("body")).getAttribute("data-loaded")));
    }

    /** Clicks what {@code find} finds, looking again if a refresh replaced it in between. */
    void click(Supplier<WebElement> find) {
        wait.until(d -> {
            find.get().click();
            return true;
        });
    }

    WebElement row(String job) {
        return browser.findElement(By.cssSelector(rowCss(job)));
    }

    /** The jobs table's row of {@code job}, for {@link #row} and {@link #text}. */
    static String rowCss(String job) {
        return "tr[data-job='" + job + "']";
    }

    /**
     * The text of what {@code css} finds, looking again if the page's own refresh replaced the element between the
     * find and the read (a stale element then says nothing about the page; a missing one still fails, after 10 s).
     */
    String text(String css) {
        return new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(100)).ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    /**
     * Waits until {@code mismatch} finds nothing wrong (returns null): the page refreshes itself every few seconds,
     * so what it shows may lag the API by one refresh. On time-out the last mismatch is the failure.
     */
    void waitUntilShown(Duration atMost, Supplier<String> mismatch) {
        String[] last = {null};
        try {
            new WebDriverWait(browser, atMost, Duration.ofMillis(300)).ignoring(StaleElementReferenceException.class)
                    .until(d -> (last[0] = mismatch.get()) == null);
        } catch (TimeoutException e) {
            throw new AssertionError("after " + atMost.toSeconds() + " s the console still shows otherwise: " + last[0], e);
        }
    }

    HttpRequest.Builder api(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN);
    }

    JsonNode get(String path) {
        try {
            return JSON.readTree(HTTP.send(api(path).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String path) {
        try {
            return HTTP.send(api(path).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An open endpoint's text (/actuator/prometheus, /actuator/health), as a scraper reads it. */
    String scrape(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<JsonNode> list(String path) {
        List<JsonNode> items = new ArrayList<>();
        get(path).forEach(items::add);
        return items;
    }

    JsonNode run(long id) {
        return get("/api/runs/" + id);
    }

    void screenshot(String name) throws Exception {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
