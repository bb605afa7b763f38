package io.caravan.cache;

import io.caravan.metabase.MetabaseProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;

/**
 * Refills the dashboards' cache: after an invalidation, a GET to each of the dataset's {@code warm-urls} (so the first
 * visitor does not pay for the cold query), and every hour the {@code cache-warm} job GETs all of them. A warm-up that
 * fails is logged and counted, never retried: the cache fills on the next visit anyway.
 */
@Configuration
public class CacheWarmer {

    private static final Logger log = LoggerFactory.getLogger(CacheWarmer.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final MetabaseProperties metabase;
    private final MeterRegistry meters;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public CacheWarmer(MetabaseProperties metabase, MeterRegistry meters) {
        this.metabase = metabase;
        this.meters = meters;
    }

    /** Every enabled card's warm-urls (the hourly cache-warm job's list). */
    public Set<URI> allCardUrls() {
        Set<URI> targets = new LinkedHashSet<>();
        metabase.cards().stream().filter(MetabaseProperties.Card::enabled).map(MetabaseProperties.Card::warmUrls)
                .forEach(targets::addAll);
        return targets;
    }

    /** GETs each URL once; returns how many answered below 400. */
    public int warm(Set<URI> targets) {
        int warmed = 0;
        for (URI target : targets) {
            String outcome;
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(target).timeout(TIMEOUT)
                        .header("User-Agent", "caravan-cache-warm").GET().build(), HttpResponse.BodyHandlers.discarding());
                outcome = response.statusCode() < 400 ? "ok" : "http-" + response.statusCode();
                if (response.statusCode() < 400) {
                    warmed++;
                } else {
                    log.warn("Cache warm-up GET {} answered {}", target, response.statusCode());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return warmed;
            } catch (Exception e) {
                outcome = "error";
                log.warn("Cache warm-up GET {} failed: {}", target, e.toString());
            }
            Counter.builder("caravan.cache.warm.requests").description("Warm-up GETs by outcome").tag("outcome", outcome)
                    .register(meters).increment();
        }
        return warmed;
    }
}
