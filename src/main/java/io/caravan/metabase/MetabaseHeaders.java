package io.caravan.metabase;

/** Header and exchange-property names the {@code metabase:} and {@code pgload:} steps read and set. */
public final class MetabaseHeaders {

    /** Header: the {@code caravan.metabase.cards} entry a step follows when its URI has no {@code card=} option. */
    public static final String CARD = "CaravanCard";
    /** Property set by {@code metabase:card/<id>/metadata}: the card's columns (List of {@link CardColumns.Column}). */
    public static final String COLUMNS = "CaravanColumns";
    /** Property set by the drift check: the {@link SchemaDrift} between the card and its table. */
    public static final String DRIFT = "CaravanDrift";
    /** Property set by {@code metabase:card/<id>/export}: the columns in the CSV header's order. */
    public static final String CSV_COLUMNS = "CaravanCsvColumns";
    /** Property set by the sync-run step: the id of the card's sync_runs row, closed by pgload or on failure. */
    public static final String SYNC_RUN = "CaravanSyncRun";
    /** Header: {@code full} makes this run a full refresh of an incremental card (the template's {@code refresh}). */
    public static final String REFRESH = "CaravanRefresh";
    /** Property set by {@code metabase:card/<id>/export}: the cursor value sent to the template tag (absent: none). */
    public static final String CURSOR_FROM = "CaravanCursorFrom";
    /** Property set by {@code pgload:}: what the load did ({@link CardLoader.Loaded}). */
    public static final String LOADED = "CaravanLoaded";

    static boolean fullRefresh(org.apache.camel.Exchange exchange) {
        return "full".equals(exchange.getMessage().getHeader(REFRESH, String.class));
    }

    private MetabaseHeaders() {
    }
}
