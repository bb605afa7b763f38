package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.support.HubTest;
import io.caravan.support.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** /actuator/camelroutes (Camel Spring Boot's route list and step details) answers behind the admin token, read-only. */
@HubTest
class CamelRoutesEndpointIT {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theRouteListAndARoutesDetailAreThereWithTheTokenOnly() throws Exception {
        assertThat(get("/actuator/camelroutes", null).statusCode()).isEqualTo(401);

        HttpResponse<String> routes = get("/actuator/camelroutes", TestEnvironment.ADMIN_TOKEN);
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(routes.body()).contains("\"id\":\"cache-invalidation\"").contains("\"id\":\"telegram-deal-created\"");

        HttpResponse<String> detail = get("/actuator/camelroutes/cache-invalidation/detail", TestEnvironment.ADMIN_TOKEN);
        assertThat(detail.statusCode()).isEqualTo(200);
        assertThat(detail.body()).contains("\"id\":\"cache-invalidation\"").contains("\"status\":\"Started\"");

        HttpResponse<String> stop = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/actuator/camelroutes/cache-invalidation/stop"))
                .header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stop.statusCode()).as("read-only: routes are stopped through /api/jobs, not here").isNotEqualTo(200).isNotEqualTo(204);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
