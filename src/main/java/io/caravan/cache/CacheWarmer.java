package io.caravan.cache;

import io.caravan.metabase.MetabaseProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The rules of warming the dashboards' cache; the GETs are camel-http's, in route {@code cache-warm-urls}. After an
 * invalidation each of the dataset's {@code warm-urls} is fetched (so the first visitor does not pay for the cold
 * query), and every hour the {@code cache-warm} job fetches all of them. A warm-up that fails is logged and counted,
 * never retried: the cache fills on the next visit anyway.
 */
@Component("cacheWarmer")
public class CacheWarmer {

    /** Exchange property: the count of URLs that answered below 400, shared by the split's parts. */
    static final String WARMED_SO_FAR = "CaravanWarmedSoFar";
    private static final Logger log = LoggerFactory.getLogger(CacheWarmer.class);

    private final MetabaseProperties metabase;
    private final MeterRegistry meters;

    public CacheWarmer(MetabaseProperties metabase, MeterRegistry meters) {
        this.metabase = metabase;
        this.meters = meters;
    }

    /** Every enabled card's warm-urls (the hourly cache-warm job's list), each once. */
    public Set<String> allCardUrls() {
        Set<String> targets = new LinkedHashSet<>();
        metabase.cards().stream().filter(MetabaseProperties.Card::enabled).map(MetabaseProperties.Card::warmUrls)
                .forEach(urls -> urls.forEach(url -> targets.add(url.toString())));
        return targets;
    }

    /** @throws IllegalArgumentException naming the URL when it is not an absolute http(s) URL */
    static void check(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("warm URL '" + url + "' is not a URL: " + e.getMessage());
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("warm URL '" + url + "' must be an absolute http:// or https:// URL");
        }
    }

    /** Route step before the split: the counter the parts add to. */
    public void start(Exchange exchange) {
        exchange.setProperty(WARMED_SO_FAR, new AtomicInteger());
    }

    /** Route step after each GET: counts the answer (camel-http's status code, or the exception caught). */
    public void outcome(Exchange exchange) {
        String url = exchange.getProperty("CaravanWarmUrl", String.class);
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String outcome;
        if (failure != null) {
            outcome = "error";
            log.warn("Cache warm-up GET {} failed: {}", url, failure.toString());
        } else if (status != null && status < 400) {
            outcome = "ok";
            exchange.getProperty(WARMED_SO_FAR, AtomicInteger.class).incrementAndGet();
        } else {
            outcome = "http-" + status;
            log.warn("Cache warm-up GET {} answered {}", url, status);
        }
        Counter.builder("caravan.cache.warm.requests").description("Warm-up GETs by outcome").tag("outcome", outcome)
                .register(meters).increment();
    }

    /** Route step after the split: header CaravanWarmed. */
    public void finish(Exchange exchange) {
        exchange.getMessage().setHeader(CacheEndpoint.WARMED, exchange.getProperty(WARMED_SO_FAR, AtomicInteger.class).get());
    }
}
