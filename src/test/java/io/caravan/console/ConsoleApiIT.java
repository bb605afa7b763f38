package io.caravan.console;

import static io.caravan.support.TestEnvironment.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.HubTest;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The console's session sign-in and its JSON endpoints over plain HTTP: cookie flags, CSRF on every change made with
 * a session, the bearer token working exactly as before, and the flows and health summaries.
 */
@HubTest
@TestPropertySource(properties = {
        "caravan.jobs.heartbeat.cron=0 0 0 1 1 ? 2099",
        "caravan.jobs.heartbeat.endpoint=direct:heartbeat"})
class ConsoleApiIT {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static String formCsrf(String html) {
        Matcher matcher = CSRF_FIELD.matcher(html);
        assertThat(matcher.find()).as("sign-in form carries a CSRF token: " + html).isTrue();
        return matcher.group(1);
    }

    private HttpResponse<String> signIn(HttpClient browser, String token) throws Exception {
        HttpResponse<String> form = browser.send(request("/console/sign-in").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(200);
        String body = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&_csrf=" + formCsrf(form.body());
        return browser.send(request("/console/sign-in").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theConsoleSendsAPersonWithoutASessionToTheSignInForm() throws Exception {
        HttpResponse<String> page = browser().send(request("/console/").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/console/sign-in");
        HttpResponse<String> api = browser().send(request("/api/console/flows").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).as("the API still answers JSON").isEqualTo(401);
        assertThat(api.body()).contains("Missing Authorization header");
    }

    @Test
    void aChangeWithNeitherTokenNorSessionIsTheApisJson401() throws Exception {
        HttpResponse<String> run = browser().send(request("/api/jobs/heartbeat/run").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(run.statusCode()).isEqualTo(401);
        assertThat(json.readTree(run.body()).get("message").asText()).contains("Missing Authorization header");
        HttpResponse<String> signIn = browser().send(request("/console/sign-in").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + ADMIN_TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).as("the sign-in form always needs its CSRF token").isEqualTo(403);
    }

    @Test
    void aWrongTokenShowsOnlyTheFormAndAMessage() throws Exception {
        HttpClient browser = browser();
        HttpResponse<String> refused = signIn(browser, "not-the-token");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("That is not the admin token").doesNotContain("Jobs").doesNotContain(ADMIN_TOKEN);
        assertThat(browser.send(request("/api/jobs").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void signInGivesAStrictHttpOnlySessionCookieAndEveryChangeNeedsTheCsrfToken() throws Exception {
        HttpClient browser = browser();
        HttpResponse<String> signedIn = signIn(browser, ADMIN_TOKEN);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/console/");
        String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("CARAVAN_SESSION="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).doesNotContain(ADMIN_TOKEN);

        HttpResponse<String> page = browser.send(request("/console/").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Caravan console").contains("/console/console.js");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");

        JsonNode session = json.readTree(browser.send(request("/api/console/session").build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(session.get("console").asBoolean()).isTrue();
        String csrf = session.get("csrfToken").asText();

        HttpResponse<String> withoutToken = browser.send(request("/api/jobs/heartbeat/pause").POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        assertThat(json.readTree(withoutToken.body()).get("message").asText()).contains("CSRF");
        HttpResponse<String> withToken = browser.send(request("/api/jobs/heartbeat/pause").header(session.get("csrfHeader").asText(), csrf)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(json.readTree(withToken.body()).get("paused").asBoolean()).isTrue();
        HttpResponse<String> resumed = browser.send(request("/api/jobs/heartbeat/resume").header(session.get("csrfHeader").asText(), csrf)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.readTree(resumed.body()).get("paused").asBoolean()).isFalse();

        // A wrong bearer token is refused even with a good session cookie beside it.
        assertThat(browser.send(request("/api/jobs").header("Authorization", "Bearer wrong").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        HttpResponse<String> signedOut = browser.send(request("/console/sign-out").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(signedOut.headers().firstValue("Location").orElseThrow()).endsWith("/console/sign-in?signed-out");
        assertThat(browser.send(request("/api/jobs").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("signed out").isEqualTo(401);
    }

    @Test
    void everyChangeMadeWithASessionButWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        HttpClient browser = browser();
        assertThat(signIn(browser, ADMIN_TOKEN).statusCode()).isEqualTo(303);
        long runsBefore = runsOfHeartbeat(browser);
        // Every kind of change the console makes; the replay's dead letter need not exist: CSRF is checked first.
        for (String path : List.of("/api/jobs/heartbeat/run", "/api/dead-letters/424242/replay", "/api/jobs/pause-all",
                "/api/jobs/resume-all", "/api/jobs/heartbeat/pause", "/console/sign-out")) {
            HttpResponse<String> refused = browser.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(json.readTree(refused.body()).get("message").asText()).as(path).contains("CSRF");
        }
        // A wrong token is no better than none.
        HttpResponse<String> wrongToken = browser.send(request("/api/jobs/pause-all").header("X-CSRF-TOKEN", "not-the-token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongToken.statusCode()).isEqualTo(403);

        HttpResponse<String> jobs = browser.send(request("/api/jobs").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(jobs.statusCode()).as("the refused sign-out left the session signed in").isEqualTo(200);
        for (JsonNode job : json.readTree(jobs.body())) {
            assertThat(job.get("paused").asBoolean()).as("refused pause-all paused nothing: " + job).isFalse();
        }
        assertThat(runsOfHeartbeat(browser)).as("the refused run-now started no run").isEqualTo(runsBefore);
    }

    @Test
    void aSignInWithTheTokenInTheAddressIsRefusedWithoutEchoingIt() throws Exception {
        HttpClient browser = browser();
        HttpResponse<String> form = browser.send(request("/console/sign-in").build(), HttpResponse.BodyHandlers.ofString());
        String csrf = URLEncoder.encode(formCsrf(form.body()), StandardCharsets.UTF_8);
        String token = URLEncoder.encode(ADMIN_TOKEN, StandardCharsets.UTF_8);
        // The right token, but in the query string (where browser history and access logs keep it): with the form's
        // fields in the body, and with the token in both places.
        for (String body : List.of("_csrf=" + csrf, "token=" + token + "&_csrf=" + csrf)) {
            HttpResponse<String> refused = browser.send(request("/console/sign-in?token=" + token)
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(refused.body()).contains("id=\"sign-in-message\"").contains("address").doesNotContain(ADMIN_TOKEN);
            assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(cookie -> cookie.startsWith("CARAVAN_SESSION="));
            assertThat(browser.send(request("/api/jobs").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("not signed in").isEqualTo(401);
        }
        // Opening the form with ?token= already put it in the address: say so there too.
        HttpResponse<String> opened = browser.send(request("/console/sign-in?token=" + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(opened.statusCode()).isEqualTo(400);
        assertThat(opened.body()).contains("address").contains("<form").doesNotContain(ADMIN_TOKEN);
    }

    @Test
    void withoutTheHawtioProfileTheConsoleIsToldThereIsNoHawtio() throws Exception {
        HttpResponse<String> links = HttpClient.newHttpClient().send(request("/api/console/links")
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(links.statusCode()).isEqualTo(200);
        assertThat(json.readTree(links.body()).get("hawtio").isNull()).as(links.body()).isTrue();
        assertThat(HttpClient.newHttpClient().send(request("/actuator/hawtio/").header("Authorization", "Bearer " + ADMIN_TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("and there is none").isEqualTo(404);
    }

    private long runsOfHeartbeat(HttpClient browser) throws Exception {
        return json.readTree(browser.send(request("/api/runs?job=heartbeat&limit=1000").build(),
                HttpResponse.BodyHandlers.ofString()).body()).size();
    }

    @Test
    void bearerRequestsStayStatelessAndNeedNoCsrfToken() throws Exception {
        HttpClient client = browser();
        HttpResponse<String> paused = client.send(request("/api/jobs/heartbeat/pause").header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(paused.headers().allValues("Set-Cookie")).as("no session for bearer requests").isEmpty();
        client.send(request("/api/jobs/heartbeat/resume").header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void flowsListEveryRouteWithItsStepsAndCounts() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> started = client.send(request("/api/jobs/heartbeat/run").header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode flows = json.readTree(client.send(request("/api/console/flows").header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonNode route = route(flows, "heartbeat");
            assertThat(route.get("from").asText()).isEqualTo("direct:heartbeat");
            assertThat(route.get("status").asText()).isEqualTo("Started");
            assertThat(route.get("steps").size()).isGreaterThan(0);
            assertThat(route.get("exchanges").asLong()).isGreaterThanOrEqualTo(1);
            for (JsonNode step : route.get("steps")) {
                assertThat(step.get("id").asText()).isNotBlank();
                assertThat(step.get("kind").asText()).isNotBlank();
            }
            assertThat(route.get("steps").get(0).get("exchanges").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(route.get("steps").get(0).get("meanMillis").asDouble()).isGreaterThan(0);
        });
    }

    @Test
    void healthSummaryHasTheChecksAndThePrometheusNumbers() throws Exception {
        JsonNode summary = json.readTree(HttpClient.newHttpClient().send(request("/api/console/health")
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(summary.get("checks").findValuesAsText("name")).contains("db", "redis", "camelHealth");
        assertThat(summary.get("metrics").findValuesAsText("name")).contains("caravan_outbox_pending", "caravan_outbox_dead_letters");
        String prometheus = HttpClient.newHttpClient().send(request("/actuator/prometheus").header("Authorization", "Bearer " + io.caravan.support.TestEnvironment.SCRAPE_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String name : summary.get("metrics").findValuesAsText("name")) {
            assertThat(prometheus).as("the console names metrics as Prometheus does").contains(name);
        }
    }

    private static JsonNode route(JsonNode flows, String id) {
        for (JsonNode flow : flows) {
            for (JsonNode route : flow.get("routes")) {
                if (route.get("id").asText().equals(id)) {
                    return route;
                }
            }
        }
        throw new AssertionError("no route " + id + " in " + flows);
    }
}
