package io.caravan.amazon;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code creators:<operation>}: Amazon's Creators API as a Camel endpoint. The OAuth2 token, the daily quota and the
 * per-second pacing live inside it, for every route that calls it, so no route can exceed the credential's quota by
 * how it is written — two routes calling at once share one budget and one pace. Credentials come from
 * {@code caravan.amazon.*}, never from the URI. Always registered, so route files load when the Amazon flow is off;
 * a call then fails saying what to configure. See {@link CreatorsEndpoint} for operations, headers and bodies.
 */
// Spring makes it the bean Camel resolves the scheme to; Camel's names it for the metadata generator.
@Component("creators")
@org.apache.camel.spi.annotations.Component("creators")
public class CreatorsComponent extends DefaultComponent {

    private final ObjectProvider<CreatorsApiClient> clients;
    private volatile CreatorsApiClient client;
    private volatile CreatorsPermits permits;

    public CreatorsComponent(ObjectProvider<CreatorsApiClient> clients) {
        this.clients = clients;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        CreatorsEndpoint endpoint = new CreatorsEndpoint(uri, this, CreatorsEndpoint.Operation.of(remaining));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** Replaces the client (and with it the quota) every endpoint of this component calls; for benchmarks and tests. */
    public synchronized void useClient(CreatorsApiClient replacement) {
        this.client = replacement;
        this.permits = new CreatorsPermits(replacement.quota());
    }

    CreatorsApiClient client() {
        CreatorsApiClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    CreatorsApiClient configured = clients.getIfAvailable();
                    if (configured == null) {
                        throw new IllegalStateException("creators: the Amazon flow is off: set caravan.amazon.client-id"
                                + " and caravan.amazon.client-secret");
                    }
                    useClient(configured);
                }
                current = client;
            }
        }
        return current;
    }

    CreatorsPermits permits() {
        client();
        return permits;
    }
}
