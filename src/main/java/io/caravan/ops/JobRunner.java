package io.caravan.ops;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.DefaultConsumer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Runs a job now, on this instance, paused or not: takes the job's lock and records the run first (so the caller
 * gets its id), then hands one exchange to the job route's consumer, exactly as a Quartz fire would, so the
 * route's own steps, error handling and {@link JobPolicy} all apply.
 */
@Component
public class JobRunner implements DisposableBean {

    private final JobRegistry registry;
    private final JobRuns runs;
    private final ObjectProvider<CamelContext> camel;
    private final ExecutorService manualRuns = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "caravan-manual-run");
        thread.setDaemon(true);
        return thread;
    });

    public JobRunner(JobRegistry registry, JobRuns runs, ObjectProvider<CamelContext> camel) {
        this.registry = registry;
        this.runs = runs;
        this.camel = camel;
    }

    /**
     * @return the id of the job_runs row
     * @throws JobAlreadyRunningException when a run of the job is under way anywhere in the cluster
     */
    public long startNow(String name) {
        Job job = registry.get(name);
        Route route = camel.getObject().getRoute(job.routeId());
        if (route == null || !(route.getConsumer() instanceof DefaultConsumer consumer)) {
            throw new UnknownJobException(name, registry.names());
        }
        JobRuns.Run run = runs.beginManual(job);
        manualRuns.execute(() -> {
            Exchange exchange = route.getEndpoint().createExchange();
            exchange.setProperty(JobPolicy.RUN, run);
            try {
                consumer.getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getProperty(JobPolicy.RUN) != null) {
                // The route never took the exchange (stopped meanwhile, say): the run still gets an end.
                runs.failed(job, run, exchange.getException() != null ? exchange.getException()
                        : new IllegalStateException("route " + job.routeId() + " did not run the exchange"));
            }
        });
        return run.id();
    }

    @Override
    public void destroy() throws InterruptedException {
        manualRuns.shutdown();
        manualRuns.awaitTermination(30, TimeUnit.SECONDS);
    }
}
