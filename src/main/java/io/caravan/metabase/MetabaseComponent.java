package io.caravan.metabase;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code metabase:card/<id>/metadata} and {@code metabase:card/<id>/export}: a card's columns and its checked, streamed
 * CSV export, through Caravan's Metabase client (auth, session renewal, retries; the key and password never appear in a
 * URI). Always registered, so route files load when the Metabase flow is off; a step then fails saying so. See
 * {@link MetabaseEndpoint} for the options.
 */
// Spring makes it the bean Camel resolves the scheme to; Camel's names it for the metadata generator.
@Component("metabase")
@org.apache.camel.spi.annotations.Component("metabase")
public class MetabaseComponent extends DefaultComponent {

    private final ObjectProvider<MetabaseClient> client;
    private final ObjectProvider<MetabaseSync> sync;
    private final ObjectProvider<CardLoader> loader;

    public MetabaseComponent(ObjectProvider<MetabaseClient> client, ObjectProvider<MetabaseSync> sync, ObjectProvider<CardLoader> loader) {
        this.client = client;
        this.sync = sync;
        this.loader = loader;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MetabaseEndpoint endpoint = new MetabaseEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    MetabaseClient client() {
        return require(client.getIfAvailable());
    }

    MetabaseSync sync() {
        return require(sync.getIfAvailable());
    }

    CardLoader loader() {
        return require(loader.getIfAvailable());
    }

    static <T> T require(T bean) {
        if (bean == null) {
            throw new IllegalStateException("the Metabase flow is off: set caravan.metabase.url and an api-key");
        }
        return bean;
    }
}
