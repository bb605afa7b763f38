package io.caravan.metabase;

import io.caravan.metabase.MetabaseProperties.Card;
import io.caravan.metabase.MetabaseProperties.Mode;
import io.caravan.ops.JobHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * A PostgreSQL table loaded from a card's export, producer only. The body must be the {@link ExportStream} a
 * {@code metabase:card/<id>/export} step set (with its properties {@code CaravanColumns}, {@code CaravanCsvColumns}
 * and, after a drift check, {@code CaravanDrift}). COPY fills a staging table (or, for a replace of a plain table, the
 * new table that is swapped in); then, in one transaction, the target is replaced, upserted on the card's key or
 * appended, its indexes and PostGIS columns made, the run's sync_runs row (property {@code CaravanSyncRun}) marked
 * succeeded, and the {@code dataset.changed} event written to the outbox. Any failure rolls all of it back.
 * After the step the body is the event's payload (a Map) and header {@code CaravanRows} the rows loaded.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "pgload", title = "Caravan PostgreSQL load", syntax = "pgload:table",
        producerOnly = true, category = {Category.DATABASE})
public class PgLoadEndpoint extends DefaultEndpoint {

    @UriPath(description = "The target as schema.table (both plain lower-case identifiers); the schema is created when missing")
    @Metadata(required = true)
    private final String table;

    @UriParam(description = "The caravan.metabase.cards entry whose settings apply (key, indexes, geometry, drift, allow-empty,"
            + " invalidate, warm-urls); default: the CaravanCard header")
    private String card;

    @UriParam(enums = "replace,upsert,append", description = "How the target changes; default: the card's mode")
    private String mode;

    @UriParam(defaultValue = "true", description = "Publish dataset.changed (the card's invalidate keys, patterns, tags and"
            + " warm-urls) in the load's transaction")
    private boolean event = true;

    private final String schemaName;
    private final String tableName;

    PgLoadEndpoint(String uri, PgLoadComponent component, String remaining) {
        super(uri, component);
        String[] parts = remaining == null ? new String[0] : remaining.split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("pgload:" + remaining + ": expected pgload:<schema>.<table>, e.g. pgload:metabase.orders");
        }
        MetabaseProperties.requireIdentifier("pgload: schema", parts[0]);
        MetabaseProperties.requireIdentifier("pgload: table", parts[1]);
        this.table = remaining;
        this.schemaName = parts[0];
        this.tableName = parts[1];
    }

    public String getTable() {
        return table;
    }

    public String getCard() {
        return card;
    }

    public void setCard(String card) {
        this.card = card;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        if (mode != null && !List.of("replace", "upsert", "append").contains(mode)) {
            throw new IllegalArgumentException("pgload:" + table + "?mode=" + mode + ": mode is replace, upsert or append");
        }
        this.mode = mode;
    }

    public boolean isEvent() {
        return event;
    }

    public void setEvent(boolean event) {
        this.event = event;
    }

    @Override
    public PgLoadComponent getComponent() {
        return (PgLoadComponent) super.getComponent();
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("pgload: has no consumer");
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) throws Exception {
                load(exchange);
            }
        };
    }

    /** The card's settings with this endpoint's table and mode; a full refresh is a replace. */
    Card target(Card c, boolean fullRefresh) {
        Mode m = fullRefresh ? Mode.REPLACE : mode == null ? c.mode() : Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        return c.loadingInto(schemaName, tableName, m);
    }

    @SuppressWarnings("unchecked")
    private void load(Exchange exchange) throws Exception {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof ExportStream export)) {
            throw new IllegalArgumentException("pgload:" + table + " loads the checked CSV stream of a metabase:card/<id>/export step,"
                    + " but the body is " + (body == null ? "empty" : body.getClass().getName())
                    + " (keep the route's streamCache: \"false\" and no step that reads the body in between)");
        }
        String name = card != null ? card : exchange.getMessage().getHeader(MetabaseHeaders.CARD, String.class);
        boolean fullRefresh = MetabaseHeaders.fullRefresh(exchange);
        Card settings = target(getComponent().sync().card(name), fullRefresh);
        String cursorFrom = exchange.getProperty(MetabaseHeaders.CURSOR_FROM, String.class);
        if (settings.cursor() != null && !fullRefresh && settings.mode() == Mode.REPLACE) {
            throw new IllegalArgumentException("pgload:" + table + ": card " + name + " has a cursor, so each run exports only new rows;"
                    + " a replace would drop the rest. Load it with mode=upsert or append (the template's mode parameter)");
        }
        List<CardColumns.Column> columns = exchange.getProperty(MetabaseHeaders.COLUMNS, List.class);
        List<CardColumns.Column> ordered = exchange.getProperty(MetabaseHeaders.CSV_COLUMNS, List.class);
        CardLoader loader = getComponent().loader();
        SchemaDrift drift = exchange.getProperty(MetabaseHeaders.DRIFT, SchemaDrift.class);
        if (drift == null) {
            drift = loader.checkDrift(settings, columns);
        }
        Long syncRun = exchange.getProperty(MetabaseHeaders.SYNC_RUN, Long.class);
        Map<String, Object> payload = new LinkedHashMap<>();
        CardLoader.Loaded loaded = loader.load(settings, columns, drift, ordered, export, done -> {
            String mark = settings.cursor() == null ? null
                    : getComponent().sync().cursors().advance(settings, syncRun == null ? 0 : syncRun, done.cursorMax(), fullRefresh);
            if (syncRun != null) {
                getComponent().runs().succeeded(syncRun, done, cursorFrom, mark);
            }
            payload.putAll(event(settings, done));
            if (event) {
                getComponent().outbox().publish("dataset.changed", payload);
            }
        });
        exchange.setProperty(MetabaseHeaders.LOADED, loaded);
        exchange.getMessage().setHeader(JobHeaders.ROWS, loaded.rows());
        exchange.getMessage().setBody(payload);
    }

    static Map<String, Object> event(Card card, CardLoader.Loaded loaded) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("dataset", card.dataset());
        event.put("table", card.qualifiedTable());
        event.put("mode", card.mode().name().toLowerCase(Locale.ROOT));
        event.put("rows", loaded.rows());
        event.put("keys", card.invalidate().keys());
        event.put("patterns", card.invalidate().patterns());
        event.put("tags", card.invalidate().tags());
        event.put("warmUrls", card.warmUrls().stream().map(Object::toString).toList());
        return event;
    }
}
