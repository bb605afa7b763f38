package io.caravan.metabase;

import static io.caravan.metabase.CardColumns.quote;

import io.caravan.metabase.MetabaseProperties.Card;
import io.caravan.metabase.MetabaseProperties.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Loads one card: Metabase's CSV stream goes straight into {@code COPY} into a temporary staging table (session-local
 * and unlogged, gone by itself if the hub dies), typed from the card's metadata so a bad value fails with PostgreSQL's
 * own line and column. Only then, in the same transaction, the target is changed: replace (TRUNCATE + INSERT, so a
 * reader sees the whole old or the whole new table), upsert (ON CONFLICT on the key) or append — together with the
 * caller's bookkeeping (sync_runs, outbox). Any failure rolls all of it back: the previous data stays.
 */
public class CardLoader {

    /**
     * What a successful load did.
     *
     * @param cursorMax an incremental card's highest cursor value among the rows loaded (null: none, or no cursor)
     * @param note      what an operator should know, e.g. that the export hit the row cap (null: nothing)
     */
    public record Loaded(long rows, long bytes, List<CardColumns.Column> columns, SchemaDrift drift, String cursorMax, String note) {
    }

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final MetabaseClient client;
    private final long rowLimit;

    public CardLoader(DataSource dataSource, PlatformTransactionManager transactionManager, MetabaseClient client, long rowLimit) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(transactionManager);
        this.client = client;
        this.rowLimit = rowLimit;
    }

    /**
     * The whole load as one call — metadata, drift check, export, load — for code outside a route (the benchmark, a
     * test); the {@code metabase-card} route runs the same pieces as its steps.
     *
     * @param inTransaction runs inside the load's transaction after the target changed (sync_runs, outbox)
     */
    public Loaded load(Card card, Consumer<Loaded> inTransaction) throws IOException {
        List<CardColumns.Column> columns = columns(card);
        SchemaDrift drift = checkDrift(card, columns);
        return client.export(card, export -> {
            List<CardColumns.Column> ordered = CardColumns.inHeaderOrder(card, columns, export.header());
            export.expectPlain(ordered);
            return load(card, columns, drift, ordered, export, inTransaction);
        });
    }

    /** The card's columns from its Metabase metadata, checked as PostgreSQL columns. */
    public List<CardColumns.Column> columns(Card card) throws IOException {
        return CardColumns.fromMetadata(card, client.columns(card));
    }

    /**
     * How the card's columns differ from its table; under drift policy {@code fail} a difference is an error that
     * keeps the table as it is. Also checks that PostGIS is there when the card has geometry columns.
     */
    public SchemaDrift checkDrift(Card card, List<CardColumns.Column> columns) throws ExportException {
        if (!card.geometry().isEmpty()) {
            postgisSchema(card);
        }
        SchemaDrift drift = SchemaDrift.between(existingColumns(card), columns);
        if (!drift.isEmpty() && card.drift() == MetabaseProperties.Drift.FAIL) {
            throw new ExportException(card.name(), "the card's columns changed since the last load: " + drift
                    + ". Drift policy is 'fail', so " + card.qualifiedTable()
                    + " is kept as it was (set drift: evolve to follow the card, or fix the card)");
        }
        return drift;
    }

    /**
     * Loads a checked export stream: COPY into staging (or the replace's new table), then the target changes and
     * {@code inTransaction} runs, all in one transaction. The stream is read to its end or the load fails.
     *
     * @param columns the card's columns (metadata order)
     * @param drift   what {@link #checkDrift} found
     * @param ordered the columns in the export's header order
     */
    public Loaded load(Card card, List<CardColumns.Column> columns, SchemaDrift drift, List<CardColumns.Column> ordered,
                       ExportStream export, Consumer<Loaded> inTransaction) throws IOException {
        String postgis = card.geometry().isEmpty() ? null : postgisSchema(card);
        ensureSchema(card);
        Map<String, String> existing = existingColumns(card);
        boolean swap = card.mode() == Mode.REPLACE && canSwap(card, existing);
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            return transactions.execute(status -> {
                Connection connection = DataSourceUtils.getConnection(dataSource);
                try {
                    String into = swap ? LoadStatements.loadingTable(card, columns, existing, drift, connection)
                            : LoadStatements.stagingTable(card, ordered, connection);
                    long rows = copy(card, connection, into, ordered, export);
                    if (rows != export.rows()) {
                        throw new ExportException(card.name(), "COPY loaded " + rows + " rows but the export had " + export.rows());
                    }
                    CardColumns.Column cursor = card.cursor() == null ? null : CursorStatements.column(card, columns);
                    String note = null;
                    if (rows >= rowLimit && cursor != null && card.mode() != Mode.REPLACE) {
                        // An incremental card keeps what came below the cut and asks for the rest next time.
                        CursorStatements.Trimmed trimmed = CursorStatements.trimCapped(card, connection, into, cursor, rows);
                        rows = trimmed.rows();
                        note = trimmed.note();
                    } else if (rows >= rowLimit) {
                        throw new ExportException(card.name(), "the export has " + rows + " rows, Metabase's export cap ("
                                + "caravan.metabase.row-limit): Metabase cuts results there silently, so the rest is missing."
                                + " Slice the card with a native template-tag parameter, or raise MB_DOWNLOAD_ROW_LIMIT and row-limit");
                    }
                    if (rows == 0 && card.mode() == Mode.REPLACE && !card.allowEmpty()) {
                        throw new ExportException(card.name(), "Metabase returned no rows; " + card.qualifiedTable()
                                + " is kept (set allow-empty: true if an empty result is valid)");
                    }
                    long changed;
                    if (swap) {
                        LoadStatements.swapIn(card, connection, postgis);
                        changed = rows;
                    } else {
                        LoadStatements.prepareTarget(card, connection, columns, drift, postgis);
                        changed = LoadStatements.write(card, connection, ordered, postgis);
                    }
                    String cursorMax = cursor == null ? null
                            : CursorStatements.max(card, connection, swap ? LoadStatements.target(card) : into, cursor);
                    Loaded loaded = new Loaded(card.mode() == Mode.UPSERT ? changed : rows, export.bytes(), ordered, drift, cursorMax, note);
                    inTransaction.accept(loaded);
                    return loaded;
                } catch (IOException e) {
                    failure.set(e);
                    throw new Unchecked(e);
                } catch (RuntimeException e) {
                    failure.set(e);
                    throw e;
                }
            });
        } catch (Unchecked e) {
            throw e.getCause();
        } catch (org.springframework.dao.DataAccessException | org.springframework.transaction.TransactionException e) {
            // With the connection gone the rollback fails too, and Spring throws that failure instead of the load's own.
            Exception load = failure.get();
            if (load != null && load != e) {
                Exception cause = load instanceof Unchecked unchecked ? unchecked.getCause() : load;
                cause.addSuppressed(e);
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) cause;
            }
            throw new ExportException(card.name(), (connectionFailed(e) ? "the database connection was lost during the load: " : "PostgreSQL refused the load: ")
                    + rootMessage(e), e, false);
        }
    }

    /** SQLState class 08 (connection exception) anywhere in the chain: the database went away, the data is not at fault. */
    static boolean connectionFailed(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    private long copy(Card card, Connection connection, String table, List<CardColumns.Column> ordered, ExportStream export)
            throws IOException {
        String names = ordered.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table + " (" + names + ") FROM STDIN (FORMAT csv, ENCODING 'UTF8')", export);
        } catch (SQLException e) {
            if (connectionFailed(e)) {
                throw new ExportException(card.name(), "the database connection was lost during the COPY of card " + card.name()
                        + " after " + export.rows() + " rows (into " + table + "; the previous data stays): " + firstLine(e), e, false);
            }
            // PostgreSQL names the line (1 = the first data row) and the column of a value that does not fit.
            throw new ExportException(card.name(), "a value does not fit the card's column types (CSV line = data row + 1): "
                    + firstLine(e));
        }
    }

    /**
     * Swapping would break what points at the old table by its identity — views, foreign keys, grants, triggers,
     * row-level security — so such a table is replaced in place (TRUNCATE + INSERT) instead.
     */
    private boolean canSwap(Card card, Map<String, String> existing) {
        if (existing.isEmpty()) {
            return true;
        }
        Boolean plain = jdbc.queryForObject("""
                SELECT c.relacl IS NULL AND NOT c.relhastriggers AND NOT c.relrowsecurity
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.confrelid = c.oid)
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                                    WHERE d.refobjid = c.oid AND r.ev_class <> c.oid)
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ? AND c.relname = ?""", Boolean.class, card.schema(), card.table());
        return Boolean.TRUE.equals(plain);
    }

    /** The target's columns and types, empty when it does not exist yet. */
    Map<String, String> existingColumns(Card card) {
        Map<String, String> columns = new LinkedHashMap<>();
        jdbc.query("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname
                  FROM pg_attribute a
                  JOIN pg_class c ON c.oid = a.attrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_type t ON t.oid = a.atttypid
                 WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum""", row -> {
            String type = "geometry".equals(row.getString(3)) ? "geometry" : row.getString(2);
            columns.put(row.getString(1), type);
        }, card.schema(), card.table());
        return columns;
    }

    private String postgisSchema(Card card) throws ExportException {
        List<String> schema = jdbc.queryForList(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'",
                String.class);
        if (schema.isEmpty()) {
            String database = jdbc.queryForObject("SELECT current_database()", String.class);
            throw new ExportException(card.name(), "columns " + card.geometry() + " are configured as geometry, but the PostGIS"
                    + " extension is not installed in database " + database + " (CREATE EXTENSION postgis;)");
        }
        return schema.get(0);
    }

    private void ensureSchema(Card card) throws ExportException {
        try {
            jdbc.execute("CREATE SCHEMA IF NOT EXISTS " + quote(card.schema()));
        } catch (org.springframework.dao.DataAccessException e) {
            // Two cards creating the same schema at once: one wins, the other sees it exist.
            Integer exists = jdbc.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname = ?", Integer.class, card.schema());
            if (exists == null || exists == 0) {
                throw new ExportException(card.name(), "cannot create schema " + card.schema() + ": " + rootMessage(e));
            }
        }
    }

    static String firstLine(SQLException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage().replace('\n', ' ');
    }

    /** Carries a checked failure out of the transaction callback. */
    private static final class Unchecked extends RuntimeException {
        Unchecked(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
