package io.caravan.metabase;

import static io.caravan.metabase.CardColumns.quote;

import io.caravan.metabase.MetabaseProperties.Card;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQL of an incremental card's load, on the load's connection: the highest cursor value a load holds (the next
 * mark, as ISO 8601 or a plain number, the way it is sent back to Metabase), and the trimming of an export that hit
 * Metabase's row cap.
 */
final class CursorStatements {

    /** What a capped export left to load. */
    record Trimmed(long rows, String note) {
    }

    private CursorStatements() {
    }

    /** The cursor column among the card's columns; its PostgreSQL type decides how the mark is written. */
    static CardColumns.Column column(Card card, List<CardColumns.Column> columns) throws ExportException {
        String name = card.cursor().column();
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new ExportException(card.name(),
                "cursor column '" + name + "' is not among the card's columns " + columns.stream().map(CardColumns.Column::name).toList()));
    }

    /** The highest cursor value in {@code table}, null when it holds no row with one. */
    static String max(Card card, Connection connection, String table, CardColumns.Column column) throws ExportException {
        return single(card, connection, "SELECT " + text("max(" + quote(column.name()) + ")", column) + " FROM " + table);
    }

    /**
     * A capped export was cut after its last row by Metabase, so the rows of its highest cursor value may be
     * incomplete: they are dropped from staging and left for the next run, which asks from the value below. That is
     * exact only when the card orders its rows by the cursor, so an export that is not in cursor order fails.
     */
    static Trimmed trimCapped(Card card, Connection connection, String staging, CardColumns.Column column, long rows)
            throws ExportException {
        String c = quote(column.name());
        String disorder = single(card, connection, "SELECT count(*) FROM (SELECT " + c + " < lag(" + c + ") OVER (ORDER BY ctid) AS back FROM "
                + staging + ") o WHERE back");
        if (!"0".equals(disorder)) {
            throw new ExportException(card.name(), "the export hit the row cap (" + rows + " rows, caravan.metabase.row-limit) and is"
                    + " not ordered by the cursor column " + column.name() + ", so the missing rows cannot be told apart: add ORDER BY "
                    + column.name() + " to the card's query. The mark stays where it was");
        }
        String last = max(card, connection, staging, column);
        long dropped;
        try (Statement statement = connection.createStatement()) {
            dropped = statement.executeUpdate("DELETE FROM " + staging + " WHERE " + c + " = (SELECT max(" + c + ") FROM " + staging + ")");
        } catch (SQLException e) {
            throw new ExportException(card.name(), "trimming the capped export failed: " + CardLoader.firstLine(e));
        }
        if (dropped == rows) {
            throw new ExportException(card.name(), "the export hit the row cap (" + rows + " rows) and every row has "
                    + column.name() + " = " + last + ": the cursor cannot move. Raise MB_DOWNLOAD_ROW_LIMIT and row-limit, or pick a finer cursor");
        }
        return new Trimmed(rows - dropped, "the export hit the row cap (" + rows + " rows): loaded " + (rows - dropped)
                + " rows up to the mark, left the " + dropped + " rows at " + column.name() + " = " + last
                + " (possibly cut) and everything after them for the next run");
    }

    private static String text(String value, CardColumns.Column column) {
        return switch (column.type()) {
            case "date" -> "to_char(" + value + ", 'YYYY-MM-DD')";
            // ISO 8601 without a zero fraction: 2026-01-31T09:00:00, 2026-01-31T09:00:00.25; timestamptz in UTC with Z.
            case "timestamp without time zone" -> "regexp_replace(to_char(" + value + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '\\.?0+$', '')";
            case "timestamp with time zone" -> "regexp_replace(to_char(" + value + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'),"
                    + " '\\.?0+$', '') || 'Z'";
            default -> value + "::text";
        };
    }

    private static String single(Card card, Connection connection, String sql) throws ExportException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        } catch (SQLException e) {
            throw new ExportException(card.name(), "PostgreSQL refused `" + sql + "`: " + CardLoader.firstLine(e));
        }
    }
}
