package io.caravan.ops;

public class JobAlreadyRunningException extends ConflictException {

    public JobAlreadyRunningException(String job) {
        super("Job '" + job + "' is already running on some instance; try again when that run has finished");
    }
}
