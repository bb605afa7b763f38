package io.caravan.outbox;

import java.util.regex.Pattern;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * One event type of the outbox.
 * <ul>
 *   <li>Producer ({@code to: outbox:dataset.changed}): writes the body as the event's JSON payload (a String is taken
 *   as JSON text, anything else is serialised) in the transaction bound to the current thread, if any, so the event
 *   commits with the data it describes; sets header {@code CaravanEventId}.</li>
 *   <li>Consumer ({@code from: outbox:dataset.changed}): receives each event of the type once it is committed, body
 *   the JSON payload, headers {@code CaravanEventId}, {@code CaravanEventType}, {@code CaravanEventAttempts}. The
 *   route runs inside the dispatcher's transaction; an exception rolls back what it wrote through the hub's
 *   DataSource and retries it with backoff, then dead-letters it. Several routes may consume one type: each is
 *   delivered and retried on its own, and a route that already succeeded is not run again.</li>
 * </ul>
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "outbox", title = "Caravan outbox", syntax = "outbox:type",
        category = {Category.DATABASE, Category.MESSAGING}, headersClass = OutboxHeaders.class)
public class OutboxEndpoint extends DefaultEndpoint implements MultipleConsumersSupport {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*");

    @UriPath(description = "The event type, lower-case words joined by dots, e.g. dataset.changed")
    @Metadata(required = true)
    private final String type;

    private final Outbox outbox;
    private final OutboxSubscribers subscribers;

    OutboxEndpoint(String uri, OutboxComponent component, String type, Outbox outbox, OutboxSubscribers subscribers) {
        super(uri, component);
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("outbox:" + type + ": the event type must be lower-case words joined by dots,"
                    + " e.g. outbox:dataset.changed");
        }
        this.type = type;
        this.outbox = outbox;
        this.subscribers = subscribers;
    }

    /** Several routes may handle one event type; the dispatcher delivers to each. */
    @Override
    public boolean isMultipleConsumersSupported() {
        return true;
    }

    public String getType() {
        return type;
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) {
                long id = outbox.publish(type, exchange.getMessage().getBody());
                exchange.getMessage().setHeader(OutboxHeaders.EVENT_ID, id);
            }
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        DefaultConsumer consumer = new DefaultConsumer(this, processor) {
            @Override
            protected void doStart() throws Exception {
                super.doStart();
                subscribers.subscribe(type, this);
            }

            @Override
            protected void doStop() throws Exception {
                subscribers.unsubscribe(type, this);
                super.doStop();
            }
        };
        configureConsumer(consumer);
        return consumer;
    }
}
