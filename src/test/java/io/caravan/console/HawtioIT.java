package io.caravan.console;

import static io.caravan.support.TestEnvironment.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.HubTest;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Camel's own console (profile hawtio) is behind the console's sign-in: no session, no Hawtio; Hawtio's Jolokia calls
 * need the session and the XSRF cookie's token (Hawtio's script sends it as X-XSRF-TOKEN), or a bearer token, and are
 * POSTs (jolokia-access.xml).
 */
@HubTest
@ActiveProfiles("hawtio")
class HawtioIT {

    private static final String VERSION = "[{\"type\":\"version\"}]";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    org.apache.camel.CamelContext camelContext;

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    @Test
    void hawtioNeedsTheConsoleSessionAndJolokiaChangesNeedTheXsrfToken() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> anonymous = browser.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/hawtio/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/console/sign-in");
        assertThat(post(browser, "/actuator/jolokia/", null).statusCode()).as("refused (CSRF is checked first)").isIn(401, 403);

        String form = browser.send(HttpRequest.newBuilder(URI.create(base() + "/console/sign-in")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
        assertThat(csrf.find()).isTrue();
        browser.send(HttpRequest.newBuilder(URI.create(base() + "/console/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(ADMIN_TOKEN, StandardCharsets.UTF_8)
                        + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());

        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/hawtio/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hawtio");
        HttpCookie xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                .findFirst().orElseThrow();

        HttpResponse<String> withoutToken = post(browser, "/actuator/hawtio/jolokia/", null);
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        assertThat(withoutToken.body()).contains("X-XSRF-TOKEN");
        for (String path : new String[] {"/actuator/hawtio/jolokia/", "/actuator/jolokia/"}) {
            HttpResponse<String> withToken = post(browser, path, xsrf.getValue());
            assertThat(withToken.statusCode()).as(path).isEqualTo(200);
            assertThat(json.readTree(withToken.body()).get(0).get("status").asInt()).isEqualTo(200);
        }
        // This hub's context by its management name: other hubs' cached contexts live in the same test JVM, and Camel
        // names the MBeans of a second context "caravan" differently (a run failed reading "context=caravan" here).
        String mbean = "org.apache.camel:context=" + camelContext.getManagementName() + ",type=context,name=\\\""
                + camelContext.getName() + "\\\"";
        HttpResponse<String> camel = post(browser, "/actuator/jolokia/", xsrf.getValue(),
                "{\"type\":\"read\",\"mbean\":\"" + mbean + "\",\"attribute\":\"State\"}");
        assertThat(json.readTree(camel.body()).path("value").asText()).as("Camel's MBeans are there: " + camel.body())
                .isEqualTo("Started");

        // jolokia-access.xml allows POST only: a GET write or exec, which the XSRF check would not look at, is refused,
        // with the session as with the bearer token.
        for (String path : new String[] {"/actuator/jolokia/write/java.lang:type=Memory/Verbose/false",
                "/actuator/jolokia/exec/java.lang:type=Memory/gc", "/actuator/hawtio/jolokia/exec/java.lang:type=Memory/gc"}) {
            assertRefused(browser.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString()),
                    path);
            assertRefused(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + path))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString()), path);
        }
        HttpResponse<String> write = post(browser, "/actuator/jolokia/", xsrf.getValue(),
                "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":false}");
        assertThat(json.readTree(write.body()).get("status").asInt()).as("the same write as a POST: " + write.body()).isEqualTo(200);
    }

    @Test
    void theConsoleIsToldWhereHawtioIs() throws Exception {
        HttpResponse<String> links = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/api/console/links"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(links.statusCode()).isEqualTo(200);
        assertThat(json.readTree(links.body()).get("hawtio").asText()).isEqualTo("/actuator/hawtio/");
    }

    private void assertRefused(HttpResponse<String> response, String path) throws Exception {
        // Jolokia answers a refused request in its JSON (status 403), whatever the HTTP status.
        assertThat(response.statusCode()).as(path + ": " + response.body()).isIn(200, 403, 405);
        JsonNode answer = json.readTree(response.body());
        assertThat(answer.get("status").asInt()).as(path + ": " + response.body()).isEqualTo(403);
        assertThat(answer.get("error").asText()).as(path).contains("HTTP method get is not allowed");
        assertThat(answer.has("value")).as(path + ": nothing was read, written or run").isFalse();
    }

    @Test
    void scriptsReachJolokiaWithTheBearerToken() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/actuator/jolokia/"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(VERSION)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }

    private HttpResponse<String> post(HttpClient client, String path, String xsrf) throws Exception {
        return post(client, path, xsrf, VERSION);
    }

    private HttpResponse<String> post(HttpClient client, String path, String xsrf, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (xsrf != null) {
            request.header("X-XSRF-TOKEN", xsrf);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
