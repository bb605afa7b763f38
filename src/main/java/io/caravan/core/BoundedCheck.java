package io.caravan.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A health check that answers a probe within a time budget whatever the network does. The check runs on a thread of
 * its own; probes that come while it is under way share it instead of queuing more behind a service that does not
 * answer, and a check that has already outlasted one probe's wait is not waited for again by the next.
 */
public final class BoundedCheck<T> implements AutoCloseable {

    private final Callable<T> check;
    private final ExecutorService thread;
    private Future<T> inFlight;
    private long inFlightSince;

    public BoundedCheck(String threadName, Callable<T> check) {
        this.check = check;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread daemon = new Thread(runnable, threadName);
            daemon.setDaemon(true);
            return daemon;
        });
    }

    /**
     * The check's result, waiting at most {@code wait} from when the check in flight began.
     *
     * @throws TimeoutException   the check did not answer in time (it goes on, and the next probe shares it)
     * @throws ExecutionException the check failed
     */
    public T await(Duration wait) throws TimeoutException, ExecutionException, InterruptedException {
        Future<T> current;
        long waitNanos;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = thread.submit(check);
                inFlightSince = System.nanoTime();
            }
            current = inFlight;
            waitNanos = wait.toNanos() - (System.nanoTime() - inFlightSince);
        }
        return current.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code last} on the check's thread (after a check in flight, on what only that thread touches) and ends it. */
    public void close(Runnable last) {
        thread.submit(last);
        thread.shutdown();
    }

    /** Ends the thread, interrupting a check in flight. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
