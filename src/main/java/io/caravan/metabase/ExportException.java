package io.caravan.metabase;

import java.io.IOException;

/** A Metabase export that must not be loaded; the message names the card and what was wrong. */
public class ExportException extends IOException {

    private final boolean transientFailure;

    ExportException(String card, String message) {
        this(card, message, null);
    }

    ExportException(String card, String message, Throwable cause) {
        this(card, message, cause, cause != null);
    }

    /** With {@code transientFailure} false for a failure that is not Metabase's (the database went away): not retried. */
    ExportException(String card, String message, Throwable cause, boolean transientFailure) {
        super("card " + card + ": " + message, cause);
        this.transientFailure = transientFailure;
    }

    /** A transport failure that another attempt may not see, unlike a failed query or a malformed export. */
    public boolean isTransient() {
        return transientFailure;
    }
}
