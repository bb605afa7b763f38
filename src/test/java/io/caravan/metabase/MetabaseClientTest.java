package io.caravan.metabase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Metabase client on its own: sessions renewed once on 401, streams read without buffering, errors named. */
class MetabaseClientTest {

    private final WireMockServer metabase = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void start() {
        metabase.start();
    }

    @AfterEach
    void stop() {
        metabase.stop();
    }

    @Test
    void anExpiredSessionIsRenewedOnceAndTheCallRepeated() throws Exception {
        metabase.stubFor(post(urlEqualTo("/api/session")).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(equalToJson("{\"username\":\"hub@example.com\",\"password\":\"s3cret\"}"))
                .willReturn(okJson("{\"id\":\"old-session\"}")).willSetStateTo("second"));
        metabase.stubFor(post(urlEqualTo("/api/session")).inScenario("login").whenScenarioStateIs("second")
                .willReturn(okJson("{\"id\":\"new-session\"}")));
        metabase.stubFor(get(urlPathEqualTo("/api/card/7")).withHeader("X-Metabase-Session", equalTo("old-session"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "text/plain").withBody("Unauthenticated")));
        metabase.stubFor(get(urlPathEqualTo("/api/card/7")).withHeader("X-Metabase-Session", equalTo("new-session"))
                .willReturn(okJson("{\"result_metadata\":[{\"name\":\"id\",\"display_name\":\"ID\",\"base_type\":\"type/Integer\"}]}")));
        metabase.stubFor(post(urlEqualTo("/api/card/7/query/csv")).withHeader("X-Metabase-Session", equalTo("new-session"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/csv").withBody("ID\n1\n2\n")));

        try (MetabaseClient client = new MetabaseClient(settings(null, "hub@example.com", "s3cret"))) {
            MetabaseProperties.Card card = card(7);
            assertThat(client.columns(card)).containsExactly(new MetabaseClient.Column("id", "ID", "type/Integer"));
            String body = client.export(card, export -> export.header() + new String(export.readAllBytes()));
            assertThat(body).isEqualTo("[ID]1\n2\n");
        }
        metabase.verify(2, postRequestedFor(urlEqualTo("/api/session")));
        metabase.verify(2, getRequestedFor(urlPathEqualTo("/api/card/7")));
    }

    @Test
    void aRefusedLoginAndAnUnknownApiKeyAreClearErrors() throws Exception {
        metabase.stubFor(post(urlEqualTo("/api/session")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"errors\":{\"password\":\"did not match stored password\"}}")));
        try (MetabaseClient client = new MetabaseClient(settings(null, "hub@example.com", "wrong"))) {
            assertThatThrownBy(() -> client.columns(card(7)))
                    .isInstanceOf(ExportException.class)
                    .hasMessageContaining("card vendors: Metabase refused the login of hub@example.com (HTTP 401")
                    .hasMessageNotContaining("wrong");
        }
        metabase.stubFor(get(urlPathEqualTo("/api/card/7")).willReturn(aResponse().withStatus(401).withBody("Unauthenticated")));
        try (MetabaseClient client = new MetabaseClient(settings("mb_unknown", null, null))) {
            assertThatThrownBy(() -> client.columns(card(7)))
                    .hasMessage("card vendors: Metabase rejected the API key (401 Unauthenticated)");
        }
    }

    @Test
    void aCardWithoutMetadataAndAConnectionResetAreNamed() throws Exception {
        metabase.stubFor(get(urlPathEqualTo("/api/card/7")).willReturn(okJson("{\"id\":7,\"result_metadata\":null}")));
        metabase.stubFor(post(urlEqualTo("/api/card/7/query/csv")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        try (MetabaseClient client = new MetabaseClient(settings("mb_key", null, null))) {
            assertThatThrownBy(() -> client.columns(card(7))).hasMessageContaining("no result_metadata for card 7");
            assertThatThrownBy(() -> client.export(card(7), export -> export.readAllBytes()))
                    .isInstanceOfSatisfying(ExportException.class, e -> assertThat(e.isTransient()).isTrue())
                    .hasMessageContaining("card vendors: POST /api/card/7/query/csv failed");
        }
    }

    @Test
    void theExportIsStreamedNotBuffered() throws Exception {
        StringBuilder csv = new StringBuilder("ID\n");
        for (int i = 0; i < 200_000; i++) {
            csv.append(i).append('\n');
        }
        metabase.stubFor(post(urlEqualTo("/api/card/7/query/csv")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/csv").withBody(csv.toString())));
        try (MetabaseClient client = new MetabaseClient(settings("mb_key", null, null))) {
            long[] counted = client.export(card(7), export -> {
                byte[] chunk = new byte[4096];
                int largest = 0;
                for (int n; (n = export.read(chunk)) > 0; ) {
                    largest = Math.max(largest, n);
                }
                return new long[] {export.rows(), export.bytes(), largest};
            });
            assertThat(counted[0]).isEqualTo(200_000);
            assertThat(counted[1]).isEqualTo(csv.length());
            assertThat(counted[2]).isLessThanOrEqualTo(4096);
        }
    }

    private MetabaseProperties settings(String apiKey, String username, String password) {
        return new MetabaseProperties(URI.create(metabase.baseUrl()), apiKey, username, password, 2, Duration.ofSeconds(2),
                Duration.ofSeconds(5), 1, Duration.ofMillis(10), 5, Duration.ofMinutes(1), 1_048_575, List.of());
    }

    private static MetabaseProperties.Card card(long id) {
        return new MetabaseProperties.Card("vendors", id, "metabase", null, MetabaseProperties.Mode.REPLACE, null, "0 0 9 * * ?",
                "Asia/Tehran", null, null, null, new MetabaseProperties.Invalidate(null, null, null), null,
                MetabaseProperties.Drift.FAIL, false, Duration.ofHours(26), true, null, null, null);
    }
}
