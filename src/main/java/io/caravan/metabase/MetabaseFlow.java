package io.caravan.metabase;

import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What metabase-sync.yaml calls. Always present, so the route loads when the flow is off (no
 * {@code caravan.metabase.url}); then there are no metabase jobs, and a direct call says why nothing happens.
 */
@Component("metabaseFlow")
public class MetabaseFlow {

    private final ObjectProvider<MetabaseSync> sync;

    public MetabaseFlow(ObjectProvider<MetabaseSync> sync) {
        this.sync = sync;
    }

    public void sync(Exchange exchange) throws Exception {
        MetabaseSync metabase = sync.getIfAvailable();
        if (metabase == null) {
            throw new IllegalStateException("the Metabase flow is off: set caravan.metabase.url and an api-key");
        }
        metabase.sync(exchange);
    }
}
