package io.caravan.outbox;

import org.apache.camel.spi.Metadata;

/** Headers a handler route receives with the event's JSON payload as body. */
public final class OutboxHeaders {

    @Metadata(javaType = "long", description = "The event's id (producer: set after writing it; consumer: the event"
            + " delivered). Consumers de-duplicate on it; telegram-gate: keys its messages with it")
    public static final String EVENT_ID = "CaravanEventId";
    @Metadata(label = "consumer", javaType = "String", description = "The event's type, e.g. deal.created")
    public static final String EVENT_TYPE = "CaravanEventType";
    /** How many tries came before this one. */
    @Metadata(label = "consumer", javaType = "int", description = "How many tries of this event came before this one (0 the first time)")
    public static final String ATTEMPTS = "CaravanEventAttempts";

    private OutboxHeaders() {
    }
}
