package io.caravan.console;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.springframework.stereotype.Component;

/**
 * Counts every step of every route: exchanges, failures and time spent, per route id and node id. Camel's own
 * statistics need JMX (off in Caravan); this is an {@link InterceptStrategy} Camel applies to each processor as routes
 * are built, so routes of any shape (YAML, Java, quartz jobs, templates, reloaded files) are counted without listing them.
 * Cost: two {@code System.nanoTime()} calls and three adders per step per exchange (see docs/console.md).
 */
@Component
public class StepStatistics implements InterceptStrategy {

    /** One step's numbers since the hub started (or since the route was last rebuilt, for a reloaded route). */
    public static final class Step {
        private final LongAdder exchanges = new LongAdder();
        private final LongAdder failures = new LongAdder();
        private final LongAdder nanos = new LongAdder();
        private final AtomicLong maxNanos = new AtomicLong();
        private volatile long lastAt;

        void record(long elapsed, boolean failed) {
            exchanges.increment();
            nanos.add(elapsed);
            if (failed) {
                failures.increment();
            }
            maxNanos.accumulateAndGet(elapsed, Math::max);
            lastAt = System.currentTimeMillis();
        }

        public long exchanges() {
            return exchanges.sum();
        }

        public long failures() {
            return failures.sum();
        }

        public double meanMillis() {
            long count = exchanges.sum();
            return count == 0 ? 0 : nanos.sum() / 1e6 / count;
        }

        public double totalMillis() {
            return nanos.sum() / 1e6;
        }

        public double maxMillis() {
            return maxNanos.get() / 1e6;
        }

        public long lastAtEpochMillis() {
            return lastAt;
        }
    }

    private final Map<String, Step> steps = new ConcurrentHashMap<>();

    /** The numbers of one step, or null if it never ran since the hub started. */
    public Step get(String routeId, String nodeId) {
        return steps.get(key(routeId, nodeId));
    }

    private static String key(String routeId, String nodeId) {
        return routeId + '\u0000' + nodeId;
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        String routeId = CamelContextHelper.getRouteId(definition);
        String nodeId = definition.getId();
        if (routeId == null || nodeId == null) {
            return target;
        }
        // A rebuilt route (reloaded YAML) starts its counts again.
        Step step = new Step();
        steps.put(key(routeId, nodeId), step);
        AsyncProcessor async = AsyncProcessorConverterHelper.convert(target);
        return new DelegateAsyncProcessor(async) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                long start = System.nanoTime();
                return processor.process(exchange, doneSync -> {
                    step.record(System.nanoTime() - start, exchange.getException() != null);
                    callback.done(doneSync);
                });
            }

            @Override
            public String toString() {
                return "StepStatistics[" + processor + "]";
            }
        };
    }
}
