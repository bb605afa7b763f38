package io.caravan.outbox;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.stereotype.Component;

/**
 * {@code outbox:<type>}: a route publishes an event with {@code to: outbox:<type>} and handles one with
 * {@code from: outbox:<type>}. Publishing joins the current transaction; handling runs inside the dispatcher's claim
 * of the event, with its retries, backoff and dead letters. See {@link OutboxEndpoint} for the options.
 */
// Spring makes it the bean Camel resolves the scheme to; Camel's names it for the metadata generator.
@Component("outbox")
@org.apache.camel.spi.annotations.Component("outbox")
public class OutboxComponent extends DefaultComponent {

    private final Outbox outbox;
    private final OutboxSubscribers subscribers;

    public OutboxComponent(Outbox outbox, OutboxSubscribers subscribers) {
        this.outbox = outbox;
        this.subscribers = subscribers;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        OutboxEndpoint endpoint = new OutboxEndpoint(uri, this, remaining, outbox, subscribers);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
