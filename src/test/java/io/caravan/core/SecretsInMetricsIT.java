package io.caravan.core;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.caravan.support.TestEnvironment.ADMIN_TOKEN;
import static io.caravan.support.TestEnvironment.SCRAPE_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.support.HubTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A route file builds an endpoint from settings with the Telegram bot token in the URI's path and the Amazon client
 * secret in its query, and runs once. Neither value appears anywhere an outsider or an operator can read: the
 * Prometheus scrape, {@code /actuator/metrics/*}, Jolokia (reads of every Camel MBean, route dumps with placeholders
 * resolved), the log, {@code /api/**} and the console's pages. The scrape itself needs a token.
 */
@HubTest
@ActiveProfiles("hawtio")
@ExtendWith(OutputCaptureExtension.class)
// Read while the environment is prepared (route loader, secrets registry), so not @DynamicPropertySource.
@TestPropertySource(properties = {
        "caravan.routes.dir=src/test/resources/leaky-routes",
        "caravan.telegram.token=" + SecretsInMetricsIT.BOT_TOKEN,
        "caravan.amazon.client-secret=" + SecretsInMetricsIT.CLIENT_SECRET})
class SecretsInMetricsIT {

    static final String BOT_TOKEN = "7123456789:AAHk_leakyRouteToken_0123456789abc";
    static final String CLIENT_SECRET = "amzn1.oa2-cs.v1.3f9d2c7b41e8a05d6c11";
    static final WireMockServer telegram = new WireMockServer(options().dynamicPort());

    static {
        telegram.start();
        telegram.stubFor(any(anyUrl()).willReturn(okJson("{\"ok\":true,\"result\":[]}")));
        telegram.stubFor(any(urlPathMatching("/bot.*/getMe")).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"id\":7123456789,\"is_bot\":true,\"first_name\":\"Leaky\",\"username\":\"leaky_bot\"}}")));
        telegram.stubFor(any(urlPathMatching("/bot.*/sendMessage")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"result\":{\"message_id\":1}}")));
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry properties) {
        properties.add("caravan.telegram.base-uri", telegram::baseUrl);
    }

    @AfterAll
    static void stopStub() {
        telegram.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String jolokia(String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/jolokia/"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(body).isEqualTo(200);
        return response.body();
    }

    @Test
    void neitherSecretIsReadableAnywhere(CapturedOutput output) throws Exception {
        // The route ran, with both values really in the request it sent.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(telegram.getAllServeEvents().stream()
                .map(event -> event.getRequest().getMethod() + " " + event.getRequest().getUrl()).toList())
                .as("the route's call, with both values in it").anySatisfy(call -> assertThat(call)
                        .contains(" /bot" + BOT_TOKEN + "/sendMessage?").contains(CLIENT_SECRET)));
        List<String> seen = new ArrayList<>();

        assertThat(get("/actuator/prometheus", null).statusCode()).as("no scrape without a token").isEqualTo(401);
        String scrape = await().atMost(Duration.ofSeconds(20)).until(() -> get("/actuator/prometheus", SCRAPE_TOKEN).body(),
                text -> text.contains("/sendMessage"));
        assertThat(scrape).as("the endpoint is measured, its secrets masked").contains("bot" + Secrets.MASK + "/sendMessage");
        seen.add(scrape);

        JsonNode names = json.readTree(get("/actuator/metrics", ADMIN_TOKEN).body()).get("names");
        for (JsonNode name : names) {
            HttpResponse<String> metric = get("/actuator/metrics/" + name.asText(), ADMIN_TOKEN);
            seen.add(metric.body());
        }

        String ignoreErrors = "\"config\":{\"ignoreErrors\":true,\"serializeException\":false}";
        seen.add(jolokia("{\"type\":\"list\"}"));
        seen.add(jolokia("{\"type\":\"search\",\"mbean\":\"org.apache.camel:*\"}"));
        for (String type : List.of("endpoints", "routes", "processors", "context", "components", "services", "consumers", "producers")) {
            seen.add(jolokia("{\"type\":\"read\",\"mbean\":\"org.apache.camel:type=" + type + ",*\"," + ignoreErrors + "}"));
        }
        String context = "org.apache.camel:context=caravan,type=context,name=\\\"caravan\\\"";
        String route = "org.apache.camel:context=caravan,type=routes,name=\\\"leaky-endpoints\\\"";
        for (String exec : List.of(
                "{\"type\":\"exec\",\"mbean\":\"" + context + "\",\"operation\":\"dumpRoutesAsXml(boolean)\",\"arguments\":[true]}",
                "{\"type\":\"exec\",\"mbean\":\"" + route + "\",\"operation\":\"dumpRouteAsXml(boolean)\",\"arguments\":[true]}")) {
            String dump = jolokia(exec);
            assertThat(json.readTree(dump).get("status").asInt()).as(exec + " → " + dump).isEqualTo(200);
            seen.add(dump);
        }
        assertThat(String.join("\n", seen)).as("the dumps show the route, masked").contains("leaky-endpoints").contains(Secrets.MASK);

        for (String path : List.of("/api/jobs", "/api/runs", "/api/dead-letters", "/api/console/flows", "/api/console/health",
                "/api/console/links", "/api/console/session", "/console/", "/console/index.html", "/console/console.js",
                "/console/console-format.js", "/console/sign-in", "/actuator/health", "/actuator/info")) {
            seen.add(get(path, ADMIN_TOKEN).body());
        }
        seen.add(output.getAll());

        String everything = String.join("\n", seen);
        for (String secret : List.of(BOT_TOKEN, CLIENT_SECRET, URLEncoder.encode(BOT_TOKEN, StandardCharsets.UTF_8),
                BOT_TOKEN.substring(BOT_TOKEN.indexOf(':') + 1))) {
            assertThat(everything).doesNotContain(secret);
        }
    }
}
