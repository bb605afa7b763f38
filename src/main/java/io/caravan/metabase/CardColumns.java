package io.caravan.metabase;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A card's columns as PostgreSQL columns: names from Metabase's {@code result_metadata} (lower-cased, checked, always
 * quoted), types from Metabase's base types, and the order of the CSV header, which Metabase writes as display titles
 * that the card's visualisation can reorder or hide — so columns are matched by title, never by position.
 */
public final class CardColumns {

    /** A column of the target table. */
    public record Column(String name, String title, String type, boolean geometry) {
        /** The type the staging table holds it in: geometry arrives as text (WKT or GeoJSON). */
        public String stagingType() {
            return geometry ? "text" : type;
        }
    }

    private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_$]*");

    private static final Map<String, String> TYPES = new HashMap<>();

    static {
        TYPES.put("type/Integer", "bigint");
        TYPES.put("type/BigInteger", "bigint");
        TYPES.put("type/Decimal", "numeric");
        TYPES.put("type/Number", "numeric");
        TYPES.put("type/Float", "double precision");
        TYPES.put("type/Boolean", "boolean");
        TYPES.put("type/Date", "date");
        TYPES.put("type/DateTime", "timestamp without time zone");
        TYPES.put("type/DateTimeWithTZ", "timestamp with time zone");
        TYPES.put("type/DateTimeWithLocalTZ", "timestamp with time zone");
        TYPES.put("type/DateTimeWithZoneOffset", "timestamp with time zone");
        TYPES.put("type/DateTimeWithZoneID", "timestamp with time zone");
        TYPES.put("type/Instant", "timestamp with time zone");
        TYPES.put("type/Time", "time without time zone");
        TYPES.put("type/TimeWithTZ", "time with time zone");
        TYPES.put("type/TimeWithLocalTZ", "time with time zone");
        TYPES.put("type/TimeWithZoneOffset", "time with time zone");
        TYPES.put("type/UUID", "uuid");
        TYPES.put("type/JSON", "jsonb");
        TYPES.put("type/SerializedJSON", "jsonb");
        TYPES.put("type/Dictionary", "jsonb");
        TYPES.put("type/Structured", "jsonb");
        TYPES.put("type/Array", "jsonb");
    }

    private CardColumns() {
    }

    /** PostgreSQL type of a Metabase base type; text for anything else (Text, Category, IPAddress, ...). */
    public static String pgType(String baseType) {
        return TYPES.getOrDefault(baseType, "text");
    }

    /** Target columns in the card's order, with checked, unique names. */
    public static List<Column> fromMetadata(MetabaseProperties.Card card, List<MetabaseClient.Column> metadata) throws ExportException {
        List<Column> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> geometry = new HashSet<>(card.geometry());
        for (MetabaseClient.Column column : metadata) {
            String name = column.name().trim().toLowerCase(Locale.ROOT);
            if (!NAME.matcher(name).matches() || name.getBytes(StandardCharsets.UTF_8).length > 63) {
                throw new ExportException(card.name(), "column name '" + column.name()
                        + "' from Metabase is not a valid PostgreSQL identifier: alias it in the card's query");
            }
            String unique = name;
            for (int n = 2; !names.add(unique); n++) {
                unique = name + "_" + n; // Metabase keeps duplicate titles (SELECT id, id): keep both columns
            }
            boolean isGeometry = geometry.remove(unique);
            columns.add(new Column(unique, column.displayName(), isGeometry ? "geometry" : pgType(column.baseType()), isGeometry));
        }
        if (!geometry.isEmpty()) {
            throw new ExportException(card.name(), "geometry columns " + geometry + " are not among the card's columns "
                    + columns.stream().map(Column::name).toList());
        }
        Set<String> all = new HashSet<>(names);
        for (String key : card.key()) {
            if (!all.contains(key)) {
                throw new ExportException(card.name(), "key column '" + key + "' is not among the card's columns " + names);
            }
        }
        for (MetabaseProperties.Index index : card.indexes()) {
            for (String indexed : index.columns()) {
                if (!all.contains(indexed)) {
                    throw new ExportException(card.name(), "index column '" + indexed + "' is not among the card's columns " + names);
                }
            }
        }
        return List.copyOf(columns);
    }

    /**
     * The columns in the order of the CSV header, matched by title. A title Metabase did not describe, or a described
     * column missing from the export (hidden in the card's visualisation), is an error naming both lists.
     */
    public static List<Column> inHeaderOrder(MetabaseProperties.Card card, List<Column> columns, List<String> header) throws ExportException {
        Map<String, List<Column>> byTitle = new LinkedHashMap<>();
        for (Column column : columns) {
            byTitle.computeIfAbsent(column.title(), t -> new ArrayList<>()).add(column);
        }
        List<Column> ordered = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String title : header) {
            List<Column> candidates = byTitle.get(title);
            if (candidates == null || candidates.isEmpty()) {
                unknown.add(title);
            } else {
                ordered.add(candidates.remove(0));
            }
        }
        List<String> missing = byTitle.values().stream().flatMap(List::stream).map(Column::title).toList();
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            StringBuilder message = new StringBuilder("the CSV header does not match the card's metadata:");
            if (!unknown.isEmpty()) {
                message.append(" columns in the export but not in result_metadata ").append(unknown).append(';');
            }
            if (!missing.isEmpty()) {
                message.append(" columns in result_metadata but not in the export (hidden in the card?) ").append(missing).append(';');
            }
            message.append(" header was ").append(header);
            throw new ExportException(card.name(), message.toString());
        }
        return ordered;
    }

    /** Always quoted, so a Metabase column named like a keyword ("order", "user") is still a column. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
