package io.caravan.amazon;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * One Creators API operation (producer only).
 * <ul>
 *   <li>{@code creators:getItems}: body before, 1–10 ASINs (a collection of Strings, or of anything with an
 *   {@code asin()}, see {@link Asin}); after, an {@link ItemsResponse} (per-item errors beside good items are a
 *   partial success, not an exception).</li>
 *   <li>{@code creators:searchItems}: headers {@code CaravanBrowseNode} and/or {@code CaravanKeywords}, and
 *   {@code CaravanPage} (1–10, default 1); body after, a {@link SearchResponse}; sets {@code CaravanTotalResults} and
 *   {@code CaravanMorePages} (another page exists and Amazon serves it).</li>
 * </ul>
 * Each call takes one request of the day's budget (reserved in blocks of the exchange property
 * {@code CaravanCreatorsReserve}, else {@code reserveAhead}, else what is left of the current split, else 1) and waits for its per-second slot. A failed call throws
 * {@link CreatorsApiException} ({@code throttled()} for 429, with {@code retryAfterSeconds}; calls of every route then
 * pause that long and run at half rate for ten minutes), a spent budget {@link QuotaExhaustedException}.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "creators", title = "Amazon Creators API", syntax = "creators:operation",
        producerOnly = true, category = {Category.API}, headersClass = CreatorsEndpoint.class)
public class CreatorsEndpoint extends DefaultEndpoint {

    @Metadata(label = "producer", javaType = "String", description = "Read by searchItems: the browse node (category) to search in")
    public static final String BROWSE_NODE = "CaravanBrowseNode";
    @Metadata(label = "producer", javaType = "String", description = "Read by searchItems: the words to search for")
    public static final String KEYWORDS = "CaravanKeywords";
    @Metadata(label = "producer", javaType = "int", defaultValue = "1", description = "Read by searchItems: the result page, 1-10")
    public static final String PAGE = "CaravanPage";
    @Metadata(label = "producer", javaType = "int", description = "Set by searchItems: how many results Amazon has in all")
    public static final String TOTAL_RESULTS = "CaravanTotalResults";
    @Metadata(label = "producer", javaType = "boolean", description = "Set by searchItems: another page exists and Amazon serves it")
    public static final String MORE_PAGES = "CaravanMorePages";
    /** Exchange property: how many calls the caller is about to make (a block of that many is reserved at once). */
    public static final String RESERVE = "CaravanCreatorsReserve";

    /** Anything a getItems body may hold instead of a String: a product with its ASIN. */
    public interface Asin {
        String asin();
    }

    enum Operation {
        GET_ITEMS("getItems"), SEARCH_ITEMS("searchItems");

        final String name;

        Operation(String name) {
            this.name = name;
        }

        static Operation of(String name) {
            for (Operation operation : values()) {
                if (operation.name.equals(name)) {
                    return operation;
                }
            }
            throw new IllegalArgumentException("creators:" + name + ": unknown operation; use creators:getItems or creators:searchItems");
        }
    }

    @UriPath(description = "getItems or searchItems")
    @Metadata(required = true)
    private final Operation operation;

    @UriParam(defaultValue = "0", description = "Requests reserved from the day's budget at once when none is held;"
            + " 0 reserves what is left of the current split (1 outside a split)")
    private int reserveAhead;

    CreatorsEndpoint(String uri, CreatorsComponent component, Operation operation) {
        super(uri, component);
        this.operation = operation;
    }

    public int getReserveAhead() {
        return reserveAhead;
    }

    public void setReserveAhead(int reserveAhead) {
        if (reserveAhead < 0) {
            throw new IllegalArgumentException("creators: reserveAhead must be 0 or more, got " + reserveAhead);
        }
        this.reserveAhead = reserveAhead;
    }

    @Override
    public CreatorsComponent getComponent() {
        return (CreatorsComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) {
                if (operation == Operation.GET_ITEMS) {
                    getItems(exchange);
                } else {
                    searchItems(exchange);
                }
            }
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("creators: endpoints only send (to: creators:getItems)");
    }

    private void getItems(Exchange exchange) {
        List<String> asins = asins(exchange.getMessage().getBody());
        CreatorsApiClient client = getComponent().client();
        if (asins.isEmpty() || asins.size() > 10) {
            throw new IllegalArgumentException("creators:getItems takes 1 to 10 ASINs, got " + asins.size());
        }
        CreatorsPermits permits = getComponent().permits();
        permits.take(ahead(exchange));
        ItemsResponse answer;
        try {
            answer = client.getItems(asins, true);
        } catch (QuotaExhaustedException e) {
            // Raised while waiting for the per-second slot: the call never went out.
            permits.unsent();
            throw e;
        } catch (RuntimeException e) {
            permits.sent();
            throw e;
        }
        permits.sent();
        exchange.getMessage().setBody(answer);
    }

    private void searchItems(Exchange exchange) {
        var message = exchange.getMessage();
        String node = message.getHeader(BROWSE_NODE, String.class);
        String keywords = message.getHeader(KEYWORDS, String.class);
        Integer page = message.getHeader(PAGE, 1, Integer.class);
        if ((node == null || node.isBlank()) && (keywords == null || keywords.isBlank())) {
            throw new IllegalArgumentException("creators:searchItems needs header " + BROWSE_NODE + " and/or " + KEYWORDS);
        }
        // One request at a time (acquire): searches are few and each must count before it goes out.
        SearchResponse answer = getComponent().client().searchItems(node, keywords, page);
        message.setBody(answer);
        message.setHeader(TOTAL_RESULTS, answer.totalResultCount());
        message.setHeader(MORE_PAGES, answer.items().size() >= 10 && page * 10 < answer.totalResultCount()
                && page < Discovery.MAX_PAGES);
    }

    private int ahead(Exchange exchange) {
        Integer announced = exchange.getProperty(RESERVE, Integer.class);
        if (announced != null && announced > 0) {
            return announced;
        }
        if (reserveAhead > 0) {
            return reserveAhead;
        }
        Integer size = exchange.getProperty(Exchange.SPLIT_SIZE, Integer.class);
        Integer index = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        return size == null || index == null ? 1 : Math.max(1, size - index);
    }

    private static List<String> asins(Object body) {
        if (body instanceof String single) {
            return List.of(single);
        }
        if (!(body instanceof Collection<?> items)) {
            throw new IllegalArgumentException("creators:getItems needs a body of ASINs (a list of Strings or of items"
                    + " with asin()), got " + (body == null ? "no body" : body.getClass().getName()));
        }
        List<String> asins = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item instanceof String asin) {
                asins.add(asin);
            } else if (item instanceof Asin product) {
                asins.add(product.asin());
            } else if (item instanceof Map<?, ?> row && row.get("asin") != null) {
                asins.add(String.valueOf(row.get("asin")));
            } else {
                throw new IllegalArgumentException("creators:getItems: an item of the body has no ASIN: " + item);
            }
        }
        return asins;
    }
}
