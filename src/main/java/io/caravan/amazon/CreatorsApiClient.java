package io.caravan.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.core.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Amazon's Creators API: {@code POST {base-url}/catalog/v1/{operation}} with a client-credentials bearer token,
 * header {@code x-marketplace}, lowerCamelCase JSON. The token comes from Spring Security's OAuth2 client, which
 * keeps it until it expires (minus a minute of clock skew); a 401 drops it and the call is retried once with a
 * fresh one. Tolerates the documented shape drift: {@code itemsResult}/{@code itemResults}, {@code type}/{@code __type}.
 */
public class CreatorsApiClient {

    static final String REGISTRATION = "amazon-creators";
    private static final String PRINCIPAL = "caravan";
    private static final List<String> ITEM_RESOURCES = List.of("itemInfo.title", "images.primary.large",
            "offersV2.listings.price", "offersV2.listings.availability", "offersV2.listings.isBuyBoxWinner",
            "offersV2.listings.condition", "offersV2.listings.dealDetails", "offersV2.listings.type");

    private final AmazonProperties settings;
    private final RestClient http;
    private final ObjectMapper json;
    private final Quota quota;
    private final MeterRegistry meters;
    private final InMemoryOAuth2AuthorizedClientService tokens;
    private final AuthorizedClientServiceOAuth2AuthorizedClientManager tokenManager;
    private final DistributionSummary itemsPerRequest;
    private final Map<String, java.net.URI> operationUris = new java.util.concurrent.ConcurrentHashMap<>();
    /** The operation of the Creators API request this thread is sending (unset for the token request): it is paced. */
    private static final ThreadLocal<String> ON_THE_WIRE = new ThreadLocal<>();

    public CreatorsApiClient(AmazonProperties settings, ObjectMapper json, Quota quota, MeterRegistry meters) {
        this.settings = settings;
        this.json = json;
        this.quota = quota;
        this.meters = meters;
        Secrets.register(settings.clientSecret());
        HttpComponentsClientHttpRequestFactory requests = CreatorsHttp.requests(settings, quota, ON_THE_WIRE);
        this.http = RestClient.builder().requestFactory(requests).baseUrl(settings.baseUrl().toString()).build();

        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
                .tokenUri(settings.tokenUrl().toString())
                .clientId(settings.clientId())
                .clientSecret(settings.clientSecret() == null ? "" : settings.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scope(settings.scope())
                .build();
        InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
        this.tokens = new InMemoryOAuth2AuthorizedClientService(registrations);
        // Made at the first token request: the token client's constructor builds a default RestClient of its own,
        // and with it a TLS context from the JDK's trust store (~50 ms of the start, docs/startup.md).
        SingletonSupplier<RestClientClientCredentialsTokenResponseClient> tokenClient =
                SingletonSupplier.of(() -> CreatorsHttp.tokenClient(requests));
        this.tokenManager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, tokens);
        this.tokenManager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials(c -> c.accessTokenResponseClient(grant -> tokenClient.obtain().getTokenResponse(grant))
                        .clockSkew(Duration.ofSeconds(60)))
                .build());
        this.itemsPerRequest = DistributionSummary.builder("caravan_amazon_items_per_request")
                .description("ASINs sent per getItems call (10 unless fewer were due)").register(meters);
    }

    /** getItems for at most 10 ASINs; per-item errors beside good items are a partial success, not an exception. */
    public ItemsResponse getItems(List<String> asins) {
        return getItems(asins, false);
    }

    /**
     * getItems as above; with {@code reserved} the caller already took this request's daily count through
     * {@link Quota#reserve} (one database statement per block of calls), so the call only waits for its per-second slot.
     */
    public ItemsResponse getItems(List<String> asins, boolean reserved) {
        if (asins.isEmpty() || asins.size() > 10) {
            throw new IllegalArgumentException("getItems takes 1 to 10 ASINs, got " + asins.size());
        }
        ObjectNode body = json.createObjectNode();
        body.putArray("itemIds").addAll(asins.stream().map(json.getNodeFactory()::textNode).toList());
        body.put("itemIdType", "ASIN");
        body.put("marketplace", settings.marketplace());
        if (settings.partnerTag() != null) {
            body.put("partnerTag", settings.partnerTag());
        }
        body.putArray("resources").addAll(ITEM_RESOURCES.stream().map(json.getNodeFactory()::textNode).toList());
        itemsPerRequest.record(asins.size());
        JsonNode answer = call("getItems", body, reserved);

        return ItemsResponse.from(answer, asins);
    }

    /** One page (1–10) of searchItems in a browse node and/or by keywords; 10 items per page. */
    public SearchResponse searchItems(String browseNodeId, String keywords, int page) {
        if (page < 1 || page > 10) {
            throw new IllegalArgumentException("searchItems pages run from 1 to 10, got " + page);
        }
        ObjectNode body = json.createObjectNode();
        if (browseNodeId != null && !browseNodeId.isBlank()) {
            body.put("browseNodeId", browseNodeId);
        }
        if (keywords != null && !keywords.isBlank()) {
            body.put("keywords", keywords);
        }
        body.put("itemCount", 10);
        body.put("itemPage", page);
        body.put("marketplace", settings.marketplace());
        if (settings.partnerTag() != null) {
            body.put("partnerTag", settings.partnerTag());
        }
        body.putArray("resources").addAll(ITEM_RESOURCES.stream().map(json.getNodeFactory()::textNode).toList());
        JsonNode answer = call("searchItems", body, false);
        return SearchResponse.from(answer);
    }

    /** The quota this client's calls are counted against; callers reserve blocks of requests through it. */
    public Quota quota() {
        return quota;
    }

    private JsonNode call(String operation, ObjectNode body, boolean reserved) {
        if (!reserved) {
            quota.count(operation);
        }
        try {
            Response response = send(operation, body, token(operation));
            if (response.status() == 401) {
                // Expired or revoked before its expires_in: forget it and try exactly once more with a new one.
                tokens.removeAuthorizedClient(REGISTRATION, PRINCIPAL);
                response = send(operation, body, token(operation));
            }
            return handle(operation, response);
        } catch (CreatorsApiException e) {
            count(operation, e.throttled() ? "throttled" : e.notEligible() ? "not-eligible" : "error");
            throw e;
        }
    }

    private record Response(int status, byte[] body) {
    }

    /**
     * The body goes out as bytes and the URI is built once per operation: RestClient's Jackson converter and URI
     * template expansion were about a tenth of a getItems call's CPU in bench/price-pipeline.
     */
    private Response send(String operation, ObjectNode body, String token) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a Creators API " + operation + " request", e);
        }
        ON_THE_WIRE.set(operation);
        try {
            return http.post().uri(operationUris.computeIfAbsent(operation, op -> UriComponentsBuilder
                            .fromUri(settings.baseUrl()).path("/catalog/v1/{operation}").buildAndExpand(op).encode().toUri()))
                    .contentType(MediaType.APPLICATION_JSON)
                    .header("Authorization", "Bearer " + token)
                    .header("x-marketplace", settings.marketplace())
                    .body(bytes)
                    .exchange((request, reply) -> new Response(reply.getStatusCode().value(), reply.getBody().readAllBytes()));
        } catch (ResourceAccessException e) {
            throw new CreatorsApiException(operation, 0, "IOException", null,
                    "Creators API " + operation + " could not be reached at " + settings.baseUrl() + ": "
                            + Secrets.describe(e), null, e);
        } finally {
            ON_THE_WIRE.remove();
        }
    }

    private JsonNode handle(String operation, Response response) {
        JsonNode answer;
        try {
            answer = response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            String text = new String(response.body(), StandardCharsets.UTF_8);
            throw new CreatorsApiException(operation, response.status(), "CannotParse", null,
                    "Creators API " + operation + " answered HTTP " + response.status() + " with a body that is not JSON: "
                            + Secrets.redact(text.substring(0, Math.min(200, text.length()))), null, e);
        }
        if (HttpStatusCode.valueOf(response.status()).is2xxSuccessful()) {
            count(operation, answer.has("errors") ? "partial" : "ok");
            return answer;
        }
        String type = answer.hasNonNull("type") ? answer.get("type").asText() : answer.path("__type").asText("");
        type = type.contains("#") ? type.substring(type.indexOf('#') + 1) : type;
        String reason = answer.path("reason").asText(null);
        Integer retryAfter = answer.hasNonNull("retryAfterSeconds") ? answer.get("retryAfterSeconds").asInt() : null;
        if (response.status() == 429) {
            quota.throttled(Duration.ofSeconds(retryAfter == null ? 1 : retryAfter));
        }
        String message = "Creators API " + operation + " failed: HTTP " + response.status() + " " + type
                + (reason == null ? "" : " (" + reason + ")") + ": " + answer.path("message").asText("")
                + (retryAfter == null ? "" : " — retry after " + retryAfter + " s");
        throw new CreatorsApiException(operation, response.status(), type, reason, Secrets.redact(message), retryAfter, null);
    }

    private String token(String operation) {
        try {
            OAuth2AuthorizedClient client = tokenManager.authorize(
                    OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION).principal(PRINCIPAL).build());
            if (client == null) {
                throw new IllegalStateException("no token for " + REGISTRATION);
            }
            String token = client.getAccessToken().getTokenValue();
            Secrets.register(token);
            return token;
        } catch (OAuth2AuthorizationException e) {
            count(operation, "token-error");
            String code = e.getError().getErrorCode();
            // Spring parses only 400 error bodies; Amazon (and RFC 6749 with Basic auth) answers 401 invalid_client.
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof org.springframework.web.client.RestClientResponseException reply) {
                    try {
                        code = json.readTree(reply.getResponseBodyAsByteArray()).path("error").asText(code);
                    } catch (IOException | RuntimeException unreadable) {
                        // keep Spring's code
                    }
                }
            }
            String hint = "invalid_client".equals(code) || "unauthorized_client".equals(code)
                    ? "check caravan.amazon.client-id and caravan.amazon.client-secret (and that caravan.amazon.token-url matches the credential's version)"
                    : "check caravan.amazon.token-url and caravan.amazon.scope";
            throw new CreatorsApiException(operation, 0, "TokenError", code,
                    Secrets.redact("Amazon token endpoint " + settings.tokenUrl() + " refused the client credentials: "
                            + code + (e.getError().getDescription() == null ? "" : " — " + e.getError().getDescription())
                            + "; " + hint), null, null);
        }
    }

    private void count(String operation, String outcome) {
        Counter.builder("caravan_amazon_requests_total").description("Creators API calls by operation and outcome")
                .tag("operation", operation).tag("outcome", outcome).register(meters).increment();
    }
}
