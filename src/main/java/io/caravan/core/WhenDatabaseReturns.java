package io.caravan.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * Writes that record how something ended (a run's status and its error) and that failed because the database was
 * away: tried again every second until the database answers, for up to {@link #GIVE_UP_AFTER}. The write keeps the
 * outcome it was given (the original cause of the failure), never the database error that delayed it; that one is
 * logged on its own. Whatever is still not written when this gives up is left to the abandoned-run sweep.
 */
@Component
public class WhenDatabaseReturns implements DisposableBean {

    static final Duration GIVE_UP_AFTER = Duration.ofMinutes(15);
    private static final Logger LOG = LoggerFactory.getLogger(WhenDatabaseReturns.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "caravan-deferred-writes");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Runs {@code write} now; if the database refuses it, logs that once (without replacing anything) and tries again
     * in the background.
     *
     * @param what what the write records, for the log ("sync_runs 12 failed")
     * @return true if it was written now
     */
    public boolean writeOrRetry(String what, Runnable write) {
        return writeOrRetry(what, write, () -> { });
    }

    /** As {@link #writeOrRetry(String, Runnable)}, running {@code afterLater} once a deferred write succeeds. */
    public boolean writeOrRetry(String what, Runnable write, Runnable afterLater) {
        try {
            write.run();
            return true;
        } catch (DataAccessException | TransactionException e) {
            LOG.warn("Could not record {} now (the database is away: {}); trying again until it returns", what, Secrets.describe(e));
            schedule(what, write, afterLater, System.nanoTime(), 1);
            return false;
        }
    }

    private void schedule(String what, Runnable write, Runnable afterLater, long since, int attempt) {
        if (timer.isShutdown()) {
            LOG.warn("The hub is stopping: {} is left to the abandoned-run sweep", what);
            return;
        }
        timer.schedule(() -> {
            try {
                write.run();
                LOG.info("Recorded {} after the database returned ({} attempts)", what, attempt + 1);
                afterLater.run();
            } catch (DataAccessException | TransactionException e) {
                if (Duration.ofNanos(System.nanoTime() - since).compareTo(GIVE_UP_AFTER) > 0) {
                    LOG.error("Gave up recording {} after {}: {}", what, GIVE_UP_AFTER, Secrets.describe(e));
                } else {
                    schedule(what, write, afterLater, since, attempt + 1);
                }
            } catch (RuntimeException e) {
                LOG.error("Could not record {}: {}", what, Secrets.describe(e));
            }
        }, 1, TimeUnit.SECONDS);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
