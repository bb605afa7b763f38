package io.caravan.telegram.bot;

/** A Bot API call that failed; the message never holds the token (the URL is not part of it). */
public class BotApiException extends RuntimeException {

    private final int status;

    public BotApiException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }
}
