package io.caravan.outbox;

/** Headers a handler route receives with the event's JSON payload as body. */
public final class OutboxHeaders {

    public static final String EVENT_ID = "CaravanEventId";
    public static final String EVENT_TYPE = "CaravanEventType";
    /** How many tries came before this one. */
    public static final String ATTEMPTS = "CaravanEventAttempts";

    private OutboxHeaders() {
    }
}
