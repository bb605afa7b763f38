package io.caravan.core;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How background workers stop with the hub: their loop threads are woken and given a moment to leave, then the work
 * in flight may finish — a message half-sent or an event half-handled is better completed than rolled back and
 * repeated by another instance.
 */
public final class Shutdown {

    private static final Duration LOOP_GRACE = Duration.ofSeconds(10);
    private static final Duration WORK_GRACE = Duration.ofSeconds(30);

    private Shutdown() {
    }

    /** Interrupts and joins each thread (null ones are skipped), then lets {@code work} finish what it has started. */
    public static void stop(ExecutorService work, Thread... loops) {
        for (Thread loop : loops) {
            if (loop == null) {
                continue;
            }
            loop.interrupt();
            try {
                loop.join(LOOP_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (work != null) {
            work.shutdown();
            try {
                work.awaitTermination(WORK_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
