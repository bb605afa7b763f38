package io.caravan.amazon;

/** Today's request budget for the credential is spent; the price job stops until the next UTC day. */
public class QuotaExhaustedException extends RuntimeException {
    public QuotaExhaustedException(String message) {
        super(message);
    }
}
