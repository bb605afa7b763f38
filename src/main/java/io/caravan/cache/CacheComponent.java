package io.caravan.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.stereotype.Component;

/**
 * {@code cache:invalidate} (Redis keys, SCAN patterns, tag sets, then the notice on {@code caravan:invalidations}) and
 * {@code cache:warmUrls} (the URLs to warm, which route cache-warm-urls GETs with camel-http). camel-spring-redis has no SCAN or UNLINK, hence this component. See
 * {@link CacheEndpoint} for the options.
 */
// Spring makes it the bean Camel resolves the scheme to; Camel's names it for the metadata generator.
@Component("cache")
@org.apache.camel.spi.annotations.Component("cache")
public class CacheComponent extends DefaultComponent {

    private final CacheInvalidator invalidator;
    private final CacheWarmer warmer;
    private final ObjectMapper json;

    public CacheComponent(CacheInvalidator invalidator, CacheWarmer warmer, ObjectMapper json) {
        this.invalidator = invalidator;
        this.warmer = warmer;
        this.json = json;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        CacheEndpoint endpoint = new CacheEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    CacheInvalidator invalidator() {
        return invalidator;
    }

    CacheWarmer warmer() {
        return warmer;
    }

    ObjectMapper json() {
        return json;
    }
}
