package io.caravan.ops;

/** Published after every run; admin alerts and metrics listen to it. */
public record JobFinishedEvent(JobRun run) {
}
