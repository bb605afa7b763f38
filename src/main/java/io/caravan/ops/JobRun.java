package io.caravan.ops;

import java.time.Instant;

/** One row of job_runs, as the operator API shows it. */
public record JobRun(long id, String job, String trigger, Instant scheduledFor, String instance, Instant startedAt, Instant finishedAt,
                     String status, Long rows, String error) {

    public Double durationSeconds() {
        return finishedAt == null ? null : (finishedAt.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0;
    }
}
