package io.caravan.amazon;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.util.Timeout;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.RestClient;

/** The Creators API client's HTTP: the pooled connections its calls and token requests share, and the token client. */
final class CreatorsHttp {

    private CreatorsHttp() {
    }

    /**
     * The request factory of every Creators API and token call. {@code onTheWire} holds the operation the calling
     * thread is sending (unset for a token request): those calls take their per-second slot from {@code quota}.
     */
    static HttpComponentsClientHttpRequestFactory requests(AmazonProperties settings, Quota quota,
            ThreadLocal<String> onTheWire) {
        // Apache HttpClient's classic pool: the call runs on the caller's thread with a kept-alive connection. The
        // JDK HttpClient hands every exchange to its selector and worker threads, which cost about three times the
        // CPU per getItems in bench/price-pipeline; the price checks make several calls at once
        // (caravan.amazon.checks.concurrency) from a shared pool, and each running job sends its chunk's first call
        // itself, so the pool holds twice that many connections plus the token's. No automatic retries: a resent
        // request would be one the daily quota never counted.
        int connections = 2 * settings.checks().concurrency() + 2;
        SingletonSupplier<TlsSocketStrategy> tls = SingletonSupplier.of(DefaultClientTlsStrategy::createDefault);
        CloseableHttpClient apache = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(settings.timeout()))
                                .setSocketTimeout(Timeout.of(settings.timeout()))
                                .build())
                        .setMaxConnTotal(connections)
                        .setMaxConnPerRoute(connections)
                        // HttpClient's default TLS, made at the first TLS connection: making it reads the JDK's trust
                        // store, ~50 ms of the hub's start (docs/startup.md) for a client that connects only in a job.
                        .setTlsSocketStrategy((socket, target, port, attachment, context) ->
                                tls.obtain().upgrade(socket, target, port, attachment, context))
                        .build())
                .disableCookieManagement()
                .disableAutomaticRetries()
                // The per-second slot is taken here, behind the connection (and its TLS handshake) and after the
                // token: taken before the token fetch, a cold start's first call went late and the second, whose
                // slot had passed, right behind it — two calls in one of Amazon's seconds, and a 429.
                .addExecInterceptorAfter(ChainElement.CONNECT.name(), "caravan-quota-pace", (request, scope, chain) -> {
                    String operation = onTheWire.get();
                    if (operation != null) {
                        quota.pace(operation);
                    }
                    return chain.proceed(request, scope);
                })
                .build();
        HttpComponentsClientHttpRequestFactory requests = new HttpComponentsClientHttpRequestFactory(apache);
        requests.setReadTimeout(settings.timeout());
        return requests;
    }

    /** Spring's default token client with our request factory, so with its timeouts and lazily made TLS. */
    static RestClientClientCredentialsTokenResponseClient tokenClient(HttpComponentsClientHttpRequestFactory requests) {
        RestClientClientCredentialsTokenResponseClient client = new RestClientClientCredentialsTokenResponseClient();
        // Spring's default token RestClient, plus our timeouts: a hung token endpoint must not hang the price job.
        client.setRestClient(RestClient.builder().requestFactory(requests)
                .messageConverters(converters -> {
                    converters.clear();
                    converters.add(new FormHttpMessageConverter());
                    converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                })
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build());
        return client;
    }
}
