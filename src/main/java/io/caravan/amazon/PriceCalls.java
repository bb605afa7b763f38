package io.caravan.amazon;

import io.caravan.amazon.PriceClaims.Claimed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The getItems calls of one chunk, as the route's parallel split makes them: the first goes alone (a 403 or 429 then
 * costs one request rather than one per thread, and the token is fetched once before calls fan out); after any error
 * the calls not yet started are not sent, as the single-call job stopped at its first error. As the split's
 * aggregation strategy it gathers every call — answered, failed or not sent — into the chunk's {@code List<Call>}.
 */
public class PriceCalls implements AggregationStrategy {

    /** Exchange property: the {@link Chunk} its calls share (the split's copies see the same object). */
    static final String CHUNK = "CaravanPriceChunk";
    static final String BATCH = "CaravanPriceBatch";
    static final String NOT_SENT = "CaravanNotSent";

    /** One chunk's shared state: the first call's end, and whether the rest must not be sent. */
    static final class Chunk {
        final CountDownLatch first = new CountDownLatch(1);
        final AtomicBoolean stop = new AtomicBoolean();
    }

    /** One getItems call of a chunk: its answer, or its error, or neither when it was never sent. */
    record Call(int index, List<Claimed> batch, ItemsResponse answer, RuntimeException error) {
    }

    /** Split step before the call: waits for the chunk's first call; marks the batch not to be sent after an error. */
    public void awaitTurn(Exchange exchange) throws InterruptedException {
        Chunk chunk = exchange.getProperty(CHUNK, Chunk.class);
        exchange.setProperty(BATCH, exchange.getMessage().getBody());
        int index = exchange.getProperty(Exchange.SPLIT_INDEX, 0, Integer.class);
        if (index > 0) {
            chunk.first.await();
        }
        exchange.setProperty(NOT_SENT, chunk.stop.get());
    }

    /** Split step when the call failed: the chunk's calls not yet started are not sent. */
    public void failed(Exchange exchange) {
        exchange.getProperty(CHUNK, Chunk.class).stop.set(true);
    }

    /** Split step after the call, whatever came of it. */
    public void finished(Exchange exchange) {
        if (exchange.getProperty(Exchange.SPLIT_INDEX, 0, Integer.class) == 0) {
            exchange.getProperty(CHUNK, Chunk.class).first.countDown();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange gathered, Exchange call) {
        Call result = call(call);
        if (gathered == null) {
            call.setException(null);
            call.removeProperty(Exchange.EXCEPTION_CAUGHT);
            call.getMessage().setBody(new ArrayList<>(List.of(result)));
            return call;
        }
        gathered.getMessage().getBody(List.class).add(result);
        return gathered;
    }

    @SuppressWarnings("unchecked")
    private static Call call(Exchange exchange) {
        int index = exchange.getProperty(Exchange.SPLIT_INDEX, 0, Integer.class);
        List<Claimed> batch = exchange.getProperty(BATCH, List.class);
        if (batch == null) {
            batch = exchange.getMessage().getBody(List.class);
        }
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error != null) {
            RuntimeException runtime = error instanceof RuntimeException r ? r : new IllegalStateException(error);
            return new Call(index, batch, null, runtime);
        }
        if (exchange.getMessage().getBody() instanceof ItemsResponse answer) {
            return new Call(index, batch, answer, null);
        }
        return new Call(index, batch, null, null);
    }
}
