package io.caravan.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
 * The dashboards' Redis cache, producer only. The body is a {@code dataset.changed} payload (JSON text or a Map with
 * {@code dataset}, {@code keys}, {@code patterns}, {@code tags}, {@code warmUrls}) and is left unchanged.
 * <ul>
 *   <li>{@code cache:invalidate}: UNLINKs the payload's keys (plus the {@code keys} option's), every key matching its
 *   patterns (SCAN in batches, never KEYS), the members of its tag sets {@code caravan:tag:<tag>} and the sets, then
 *   PUBLISHes {@code {"dataset","keys","at"}} on {@code caravan:invalidations}. Sets header
 *   {@code CaravanInvalidatedKeys}. Redis down is an exception (under {@code from: outbox:} the event is retried).</li>
 *   <li>{@code cache:warmUrls}: the body becomes the list of URLs to warm, each once: the payload's warmUrls (plus the
 *   {@code urls} option's), or with {@code allCards=true} every enabled card's warm-urls. Sets header
 *   {@code CaravanWarmUrls} (how many). The GETs themselves are camel-http's, in route {@code cache-warm-urls}
 *   ({@code direct:cache-warm-urls}).</li>
 * </ul>
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "cache", title = "Caravan Redis cache", syntax = "cache:operation",
        producerOnly = true, category = {Category.CACHE}, headersClass = CacheEndpoint.class)
public class CacheEndpoint extends DefaultEndpoint {

    /** Header: how many Redis keys {@code cache:invalidate} removed. */
    @Metadata(label = "producer", javaType = "long", description = "Set by cache:invalidate: how many Redis keys it removed")
    public static final String INVALIDATED = "CaravanInvalidatedKeys";
    /** Header: how many URLs the cache-warm-urls route warmed (answered below 400). */
    public static final String WARMED = "CaravanWarmed";
    /** Header: how many URLs {@code cache:warmUrls} listed. */
    @Metadata(label = "producer", javaType = "int", description = "Set by cache:warmUrls: how many URLs it listed")
    public static final String WARM_URLS = "CaravanWarmUrls";

    @UriPath(enums = "invalidate,warmUrls", description = "invalidate: drop Redis entries and publish the notice; warmUrls: list the URLs to warm")
    @Metadata(required = true)
    private final String operation;

    @UriParam(description = "invalidate: more keys to UNLINK, comma-separated")
    private String keys;
    @UriParam(description = "invalidate: more SCAN MATCH patterns, comma-separated")
    private String patterns;
    @UriParam(description = "invalidate: more tags (sets caravan:tag:<tag>), comma-separated")
    private String tags;
    @UriParam(description = "invalidate: the dataset named in the notice when the body names none")
    private String dataset;
    @UriParam(description = "warmUrls: more URLs to warm, comma-separated")
    private String urls;
    @UriParam(defaultValue = "false", description = "warmUrls: every enabled card's warm-urls instead of the body's")
    private boolean allCards;

    CacheEndpoint(String uri, CacheComponent component, String operation) {
        super(uri, component);
        if (!"invalidate".equals(operation) && !"warmUrls".equals(operation)) {
            throw new IllegalArgumentException("cache:" + operation + ": the operation is cache:invalidate or cache:warmUrls");
        }
        this.operation = operation;
    }

    @Override
    public CacheComponent getComponent() {
        return (CacheComponent) super.getComponent();
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("cache: has no consumer; start the route from outbox:dataset.changed");
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) throws Exception {
                if (operation.equals("invalidate")) {
                    invalidate(exchange);
                } else {
                    warmUrls(exchange);
                }
            }
        };
    }

    private void invalidate(Exchange exchange) throws Exception {
        ObjectNode event = payload(exchange);
        add(event, "keys", keys);
        add(event, "patterns", patterns);
        add(event, "tags", tags);
        if (dataset != null && !event.hasNonNull("dataset")) {
            event.put("dataset", dataset);
        }
        exchange.getMessage().setHeader(INVALIDATED, getComponent().invalidator().invalidate(event.toString()));
    }

    private void warmUrls(Exchange exchange) {
        Set<String> targets = new LinkedHashSet<>();
        if (allCards) {
            targets.addAll(getComponent().warmer().allCardUrls());
        } else {
            payload(exchange).path("warmUrls").forEach(url -> targets.add(url.asText()));
        }
        targets.addAll(split(urls));
        targets.forEach(CacheWarmer::check);
        exchange.getMessage().setBody(List.copyOf(targets));
        exchange.getMessage().setHeader(WARM_URLS, targets.size());
    }

    private ObjectNode payload(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        try {
            JsonNode node = body == null ? null
                    : body instanceof String text ? (text.isBlank() ? null : getComponent().json().readTree(text))
                    : getComponent().json().valueToTree(body);
            if (node == null) {
                return getComponent().json().createObjectNode();
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException("cache:" + operation + " expects a dataset.changed payload (a JSON object), got " + node.getNodeType());
            }
            return (ObjectNode) node.deepCopy();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cache:" + operation + ": the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static void add(ObjectNode event, String field, String values) {
        List<String> more = split(values);
        if (more.isEmpty()) {
            return;
        }
        ArrayNode array = event.path(field).isArray() ? (ArrayNode) event.get(field) : event.putArray(field);
        more.forEach(array::add);
    }

    private static List<String> split(String values) {
        return values == null ? List.of() : Arrays.stream(values.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    public String getOperation() {
        return operation;
    }

    public String getKeys() {
        return keys;
    }

    public void setKeys(String keys) {
        this.keys = keys;
    }

    public String getPatterns() {
        return patterns;
    }

    public void setPatterns(String patterns) {
        this.patterns = patterns;
    }

    public String getTags() {
        return tags;
    }

    public void setTags(String tags) {
        this.tags = tags;
    }

    public String getDataset() {
        return dataset;
    }

    public void setDataset(String dataset) {
        this.dataset = dataset;
    }

    public String getUrls() {
        return urls;
    }

    public void setUrls(String urls) {
        this.urls = urls;
    }

    public boolean isAllCards() {
        return allCards;
    }

    public void setAllCards(boolean allCards) {
        this.allCards = allCards;
    }
}
