package io.caravan.ops;

/** The request is valid but clashes with the current state (a run under way, a replay already pending). */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
