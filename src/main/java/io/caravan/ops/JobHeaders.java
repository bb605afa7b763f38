package io.caravan.ops;

/** Headers a job's endpoint receives, and the one it may set to report how many rows it handled. */
public final class JobHeaders {

    public static final String JOB = "CaravanJob";
    public static final String RUN_ID = "CaravanRunId";
    /** Set by the job's route (a number); otherwise a numeric body is taken as the row count. */
    public static final String ROWS = "CaravanRows";

    private JobHeaders() {
    }
}
