package io.caravan.metabase;

import io.caravan.metabase.MetabaseProperties.Card;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.apache.camel.support.SynchronizationAdapter;

/**
 * One Metabase card, producer only.
 * <ul>
 *   <li>{@code metabase:card/<id>/metadata}: {@code GET /api/card/<id>} — the card's {@code result_metadata} as checked
 *   PostgreSQL columns, in exchange property {@code CaravanColumns}; the body is left as it was.</li>
 *   <li>{@code metabase:card/<id>/export}: {@code POST /api/card/<id>/query/csv}, the options as form data
 *   ({@code format_rows=false}, {@code parameters}; an incremental card's cursor value added, property
 *   {@code CaravanCursorFrom}) —
 *   the body becomes the export as a checked {@link ExportStream} (the header row already read and matched to the
 *   metadata by title, an error object, an HTML page, a trailer or a cut stream fail the exchange); property
 *   {@code CaravanCsvColumns} holds the columns in header order. Nothing is buffered: set the route's
 *   {@code streamCache: "false"}. The HTTP exchange is closed when the Camel exchange completes, and cut (not drained)
 *   when it fails.</li>
 * </ul>
 * Transport errors, 5xx and 429 are retried ({@code caravan.metabase.retries}, {@code retry-backoff}).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "metabase", title = "Caravan Metabase", syntax = "metabase:card/cardId/operation",
        producerOnly = true, category = {Category.API})
public class MetabaseEndpoint extends DefaultEndpoint {

    private static final Pattern PATH = Pattern.compile("card/([1-9][0-9]*)/(metadata|export)");

    @UriPath(description = "The card's id in Metabase")
    @Metadata(required = true)
    private final long cardId;

    @UriPath(enums = "metadata,export", description = "metadata: the card's columns; export: the checked CSV stream")
    @Metadata(required = true)
    private final String operation;

    @UriParam(description = "The caravan.metabase.cards entry whose settings apply (parameters, key, indexes, geometry);"
            + " default: the CaravanCard header. Its id must be the path's id")
    private String card;

    MetabaseEndpoint(String uri, MetabaseComponent component, String remaining) {
        super(uri, component);
        Matcher path = PATH.matcher(remaining == null ? "" : remaining);
        if (!path.matches()) {
            throw new IllegalArgumentException("metabase:" + remaining + ": expected metabase:card/<id>/metadata or"
                    + " metabase:card/<id>/export, e.g. metabase:card/42/export?card=orders");
        }
        this.cardId = Long.parseLong(path.group(1));
        this.operation = path.group(2);
    }

    public String getCard() {
        return card;
    }

    public void setCard(String card) {
        this.card = card;
    }

    public long getCardId() {
        return cardId;
    }

    public String getOperation() {
        return operation;
    }

    @Override
    public MetabaseComponent getComponent() {
        return (MetabaseComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) throws Exception {
                Card settings = settings(exchange);
                if (operation.equals("metadata")) {
                    metadata(exchange, settings);
                } else {
                    export(exchange, settings);
                }
            }
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("metabase: has no consumer; start the route from quartz: or another endpoint");
    }

    private Card settings(Exchange exchange) {
        String name = card != null ? card : exchange.getMessage().getHeader(MetabaseHeaders.CARD, String.class);
        Card settings = getComponent().sync().card(name);
        if (settings.id() != cardId) {
            throw new IllegalArgumentException("metabase:card/" + cardId + "/" + operation + ": card '" + settings.name()
                    + "' is Metabase card " + settings.id() + " in caravan.metabase.cards");
        }
        return settings;
    }

    private void metadata(Exchange exchange, Card settings) throws Exception {
        CardLoader loader = getComponent().loader();
        List<CardColumns.Column> columns = getComponent().sync().retrying(() -> loader.columns(settings));
        exchange.setProperty(MetabaseHeaders.COLUMNS, columns);
    }

    @SuppressWarnings("unchecked")
    private void export(Exchange exchange, Card settings) throws Exception {
        List<CardColumns.Column> columns = exchange.getProperty(MetabaseHeaders.COLUMNS, List.class);
        if (columns == null) {
            throw new IllegalStateException("metabase:card/" + cardId + "/export needs the card's columns: put a"
                    + " metabase:card/" + cardId + "/metadata step before it");
        }
        MetabaseClient client = getComponent().client();
        CardCursors.Window window = getComponent().sync().cursors().window(settings, MetabaseHeaders.fullRefresh(exchange));
        MetabaseClient.Export export = getComponent().sync().retrying(() -> client.open(window.card()));
        List<CardColumns.Column> ordered;
        try {
            ordered = CardColumns.inHeaderOrder(settings, columns, export.stream().header());
            export.stream().expectPlain(ordered);
        } catch (Exception e) {
            export.abort();
            throw e;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                try {
                    export.close();
                } catch (java.io.IOException ignored) {
                    // The rows are loaded; a failed close only costs the socket.
                }
            }

            @Override
            public void onFailure(Exchange failed) {
                export.abort();
            }
        });
        exchange.setProperty(MetabaseHeaders.CSV_COLUMNS, ordered);
        if (window.from() != null) {
            exchange.setProperty(MetabaseHeaders.CURSOR_FROM, window.from());
        }
        exchange.getMessage().setBody(export.stream());
    }
}
