package io.caravan.metabase;

import static io.caravan.metabase.CardColumns.quote;

import io.caravan.metabase.MetabaseProperties.Card;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL a load runs against its tables, on the load's own connection and transaction ({@link CardLoader} holds
 * both): the staging or loading table the COPY fills, the replace's swap with its indexes and comment, and the
 * replace / upsert / append of the target with the drift changes. Every failure names the card and PostgreSQL's
 * first line of the error.
 */
final class LoadStatements {

    private static final int SRID = 4326;

    private LoadStatements() {
    }

    /** A temporary table for upsert, append and the replace that cannot swap; gone at commit. */
    static String stagingTable(Card card, List<CardColumns.Column> ordered, Connection connection) throws ExportException {
        String definition = ordered.stream().map(c -> quote(c.name()) + " " + c.stagingType()).collect(Collectors.joining(", "));
        execute(card, connection, "CREATE TEMP TABLE " + staging(card) + " (" + definition + ") ON COMMIT DROP");
        return staging(card);
    }

    /**
     * The replace's new table, beside the old one: COPY fills it in one pass and its indexes are built while readers
     * still read the old table; under drift 'evolve' it keeps the old table's removed columns (empty).
     */
    static String loadingTable(Card card, List<CardColumns.Column> columns, Map<String, String> existing, SchemaDrift drift,
                                Connection connection) throws ExportException {
        List<String> definition = new java.util.ArrayList<>(columns.stream().map(c -> quote(c.name()) + " " + c.stagingType()).toList());
        drift.removed().forEach(removed -> definition.add(quote(removed) + " " + existing.get(removed)));
        execute(card, connection, "CREATE TABLE " + loading(card) + " (" + String.join(", ", definition) + ")");
        return loading(card);
    }

    /**
     * Replace by swapping tables: the new one gets its geometry, indexes and comment, then — holding the old table's
     * lock only for a drop and a rename — takes its name. Queued readers resolve the name again after the lock and
     * read the new table: never a mix, and no reader waits for a million-row INSERT.
     */
    static void swapIn(Card card, Connection connection, String postgis) throws ExportException {
        String loading = loading(card);
        for (String geometry : card.geometry()) {
            CardColumns.Column column = new CardColumns.Column(geometry, geometry, "geometry", true);
            execute(card, connection, "ALTER TABLE " + loading + " ALTER COLUMN " + quote(geometry) + " TYPE " + type(column, postgis)
                    + " USING " + value(column, postgis));
        }
        Map<String, String> indexes = new LinkedHashMap<>(); // temporary name → final name
        if (!card.key().isEmpty()) {
            indexes.put(createIndex(card, connection, loading, true, "btree", card.key(), "key"), indexName(card.table(), card.key(), "key"));
        }
        for (MetabaseProperties.Index index : card.indexes()) {
            indexes.put(createIndex(card, connection, loading, index.unique(), index.method(), index.columns(), "idx"),
                    indexName(card.table(), index.columns(), "idx"));
        }
        for (String geometry : card.geometry()) {
            indexes.put(createIndex(card, connection, loading, false, "gist", List.of(geometry), "gist"),
                    indexName(card.table(), List.of(geometry), "gist"));
        }
        String table = target(card);
        execute(card, connection, "DROP TABLE IF EXISTS " + table);
        execute(card, connection, "ALTER TABLE " + loading + " RENAME TO " + quote(card.table()));
        // (the old table's lock was taken by the DROP above and is held until commit)
        for (Map.Entry<String, String> index : indexes.entrySet()) {
            execute(card, connection, "ALTER INDEX " + quote(card.schema()) + "." + quote(index.getKey()) + " RENAME TO " + quote(index.getValue()));
        }
        execute(card, connection, "COMMENT ON TABLE " + table + " IS " + literal(comment(card)));
    }

    static String createIndex(Card card, Connection connection, String table, boolean unique, String method, List<String> columns,
                               String suffix) throws ExportException {
        String name = indexName(card.table() + "__loading", columns, suffix);
        execute(card, connection, "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + quote(name) + " ON " + table + " USING " + method
                + " (" + columns.stream().map(CardColumns::quote).collect(Collectors.joining(", ")) + ")");
        return name;
    }

    private static void execute(Card card, Connection connection, String sql) throws ExportException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new ExportException(card.name(), "PostgreSQL refused `" + sql + "`: " + CardLoader.firstLine(e));
        }
    }

    private static String comment(Card card) {
        return "Metabase card " + card.id() + " (" + card.name() + "), loaded by Caravan in " + card.mode().name().toLowerCase() + " mode";
    }

    static void prepareTarget(Card card, Connection connection, List<CardColumns.Column> columns, SchemaDrift drift,
                              String postgis) throws ExportException {
        String table = target(card);
        try (Statement statement = connection.createStatement()) {
            String definition = columns.stream().map(c -> quote(c.name()) + " " + type(c, postgis)).collect(Collectors.joining(", "));
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (" + definition + ")");
            statement.execute("COMMENT ON TABLE " + table + " IS " + literal(comment(card)));
            for (CardColumns.Column added : drift.added()) {
                statement.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + quote(added.name()) + " " + type(added, postgis));
            }
            for (String removed : drift.removed()) {
                statement.execute("ALTER TABLE " + table + " ALTER COLUMN " + quote(removed) + " DROP NOT NULL");
            }
            for (CardColumns.Column retyped : drift.retyped()) {
                statement.execute("ALTER TABLE " + table + " ALTER COLUMN " + quote(retyped.name()) + " TYPE " + type(retyped, postgis)
                        + " USING " + quote(retyped.name()) + "::text::" + type(retyped, postgis));
            }
            if (!card.key().isEmpty()) {
                statement.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + quote(indexName(card.table(), card.key(), "key"))
                        + " ON " + table + " (" + card.key().stream().map(CardColumns::quote).collect(Collectors.joining(", ")) + ")");
            }
            for (MetabaseProperties.Index index : card.indexes()) {
                statement.execute("CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX IF NOT EXISTS "
                        + quote(indexName(card.table(), index.columns(), "idx")) + " ON " + table + " USING " + index.method()
                        + " (" + index.columns().stream().map(CardColumns::quote).collect(Collectors.joining(", ")) + ")");
            }
            for (String geometry : card.geometry()) {
                statement.execute("CREATE INDEX IF NOT EXISTS " + quote(indexName(card.table(), List.of(geometry), "gist"))
                        + " ON " + table + " USING gist (" + quote(geometry) + ")");
            }
        } catch (SQLException e) {
            throw new ExportException(card.name(), "preparing " + card.qualifiedTable() + " failed: " + CardLoader.firstLine(e));
        }
    }

    static long write(Card card, Connection connection, List<CardColumns.Column> ordered, String postgis) throws ExportException {
        String table = target(card);
        String staging = staging(card);
        String names = ordered.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
        String values = ordered.stream().map(c -> value(c, postgis)).collect(Collectors.joining(", "));
        try (Statement statement = connection.createStatement()) {
            switch (card.mode()) {
                case REPLACE -> {
                    // TRUNCATE waits for readers of the old rows and holds them off until commit: never a mix.
                    statement.execute("TRUNCATE " + table);
                    return statement.executeUpdate("INSERT INTO " + table + " (" + names + ") SELECT " + values + " FROM " + staging);
                }
                case APPEND -> {
                    return statement.executeUpdate("INSERT INTO " + table + " (" + names + ") SELECT " + values + " FROM " + staging);
                }
                default -> {
                    String keys = card.key().stream().map(CardColumns::quote).collect(Collectors.joining(", "));
                    String nullKey = card.key().stream().map(k -> quote(k) + " IS NULL").collect(Collectors.joining(" OR "));
                    try (var result = statement.executeQuery("SELECT count(*) FROM " + staging + " WHERE " + nullKey)) {
                        result.next();
                        if (result.getLong(1) > 0) {
                            throw new ExportException(card.name(), result.getLong(1) + " rows have an empty key column "
                                    + card.key() + ": upsert cannot place them");
                        }
                    }
                    List<String> updated = ordered.stream().map(CardColumns.Column::name).filter(n -> !card.key().contains(n)).toList();
                    String onConflict = updated.isEmpty() ? "DO NOTHING"
                            : "DO UPDATE SET " + updated.stream().map(n -> quote(n) + " = EXCLUDED." + quote(n)).collect(Collectors.joining(", "));
                    // The last row of a key wins when the export repeats it; ON CONFLICT may touch a row only once.
                    return statement.executeUpdate("INSERT INTO " + table + " (" + names + ") SELECT DISTINCT ON (" + keys + ") "
                            + values + " FROM " + staging + " ORDER BY " + keys + ", ctid DESC ON CONFLICT (" + keys + ") " + onConflict);
                }
            }
        } catch (SQLException e) {
            throw new ExportException(card.name(), "writing " + card.qualifiedTable() + " failed: " + CardLoader.firstLine(e));
        }
    }

    private static String value(CardColumns.Column column, String postgis) {
        if (!column.geometry()) {
            return quote(column.name());
        }
        String c = quote(column.name());
        String fn = quote(postgis) + ".";
        return "CASE WHEN " + c + " IS NULL OR btrim(" + c + ") = '' THEN NULL"
                + " WHEN left(ltrim(" + c + "), 1) = '{' THEN " + fn + "ST_SetSRID(" + fn + "ST_GeomFromGeoJSON(" + c + "), " + SRID + ")"
                + " ELSE " + fn + "ST_GeomFromText(" + c + ", " + SRID + ") END";
    }

    private static String type(CardColumns.Column column, String postgis) {
        return column.geometry() ? quote(postgis) + ".geometry" : column.type();
    }

    static String target(Card card) {
        return quote(card.schema()) + "." + quote(card.table());
    }

    static String staging(Card card) {
        return quote("staging_" + card.table());
    }

    static String loading(Card card) {
        return quote(card.schema()) + "." + quote(indexName(card.table(), List.of(), "loading"));
    }

    static String indexName(String table, List<String> columns, String suffix) {
        String name = table + "_" + String.join("_", columns) + "_" + suffix;
        if (name.getBytes(StandardCharsets.UTF_8).length <= 63) {
            return name;
        }
        String hash = Integer.toHexString(name.hashCode());
        return name.substring(0, Math.min(name.length(), 63 - hash.length() - 1)) + "_" + hash;
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
