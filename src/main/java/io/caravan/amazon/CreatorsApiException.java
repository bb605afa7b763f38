package io.caravan.amazon;

/**
 * A Creators API call that failed as a whole. Carries Amazon's {@code type}/{@code __type} and {@code reason} so
 * callers can tell a throttle (429, {@code retryAfterSeconds}) or an ineligible associate (403
 * AssociateNotEligible) from a plain failure. The message never contains the token or the secret.
 */
public class CreatorsApiException extends RuntimeException {

    private final String operation;
    private final int status;
    private final String type;
    private final String reason;
    private final Integer retryAfterSeconds;

    public CreatorsApiException(String operation, int status, String type, String reason, String message,
                                Integer retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.operation = operation;
        this.status = status;
        this.type = type;
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String operation() {
        return operation;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String reason() {
        return reason;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public boolean throttled() {
        return status == 429;
    }

    /** Amazon refuses the associate (fewer than 10 qualified sales in 30 days): retrying only burns quota. */
    public boolean notEligible() {
        return status == 403 && "AssociateNotEligible".equals(reason);
    }

    /** Our credential is wrong (token endpoint refused it): a setting to fix, not a glitch to retry. */
    public boolean badCredentials() {
        return status == 0 && "invalid_client".equals(reason);
    }
}
