package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console's Routes view in a real browser: every route file of the dev hub, built in and from its route
 * directory, with its routes; a file broken on the running hub shows failed with file, line and Camel's message while
 * its previous route still shows started, and shows loaded again once fixed. Compared with GET /api/routes.
 */
class RoutesConsoleIT {

    private static final String ROUTE = """
            - route:
                id: engineers-echo
                from:
                  uri: "direct:engineers-echo"
                  steps:
                    - log: "%s"
            """;

    @Test
    void theRoutesViewShowsEachFileItsRoutesAndALoadError(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ConsoleHub.browserInstalled(), "needs chromium and chromium-driver (.ci/run installs them)");
        Path file = Files.writeString(dir.resolve("engineers-echo.yaml"), ROUTE.formatted("echo"));
        try (ConsoleHub console = new ConsoleHub(Map.of("caravan.routes.dir", dir.toString(), "caravan.routes.reload", "true",
                "caravan.routes.reload-interval", "100ms"))) {
            console.signIn();
            console.open("#routes");
            WebElement row = console.wait.until(d -> d.findElement(By.cssSelector("[data-route-file='engineers-echo.yaml']")));
            assertThat(row.getText()).contains("directory", "loaded", "engineers-echo", "started");
            // Built-in files, each with its routes, as the API lists them.
            var api = ConsoleHub.JSON.readTree(ConsoleHub.HTTP.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(console.base + "/api/routes"))
                    .header("Authorization", "Bearer " + io.caravan.support.TestEnvironment.ADMIN_TOKEN).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            List<WebElement> rows = console.browser.findElements(By.cssSelector("#routes-table tbody tr"));
            assertThat(rows).hasSize(api.size());
            WebElement posts = console.browser.findElement(By.cssSelector("[data-route-file='telegram-posts.yaml']"));
            assertThat(posts.getText()).contains("built-in", "loaded");

            Files.writeString(file, ROUTE.formatted("echo") + "        - to: \"nosuchscheme:foo\"\n");
            console.wait.until(d -> d.findElement(By.cssSelector("[data-route-file='engineers-echo.yaml']")).getText().contains("failed"));
            row = console.browser.findElement(By.cssSelector("[data-route-file='engineers-echo.yaml']"));
            String error = row.findElement(By.cssSelector("[data-error]")).getText();
            assertThat(error).startsWith("engineers-echo.yaml:").contains("nosuchscheme");
            assertThat(row.findElement(By.cssSelector("[data-route-id='engineers-echo']")).getText()).as("the previous version runs")
                    .contains("started");
            console.screenshot("routes");

            Files.writeString(file, ROUTE.formatted("echo, fixed"));
            console.wait.until(d -> d.findElement(By.cssSelector("[data-route-file='engineers-echo.yaml']")).getText().contains("loaded"));
            assertThat(console.browser.findElements(By.cssSelector("[data-route-file='engineers-echo.yaml'] [data-error]"))).isEmpty();
        }
    }
}
