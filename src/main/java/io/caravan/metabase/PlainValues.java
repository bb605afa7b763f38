package io.caravan.metabase;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Catches an export Metabase formatted although the hub asked for {@code format_rows=false} — what a version that
 * did not read the request's options sends: numbers as {@code 1,234.50} or {@code 10.06460000° N}, dates as
 * {@code March 26, 2024}. PostgreSQL would refuse some of these, but would read others as different values
 * ({@code March 26, 2024} is a valid date, {@code 1.234} a valid number), so the first rows are checked before
 * COPY sees them: a formatted value in a numeric or temporal column fails the run naming the column and the value.
 * Formatting applies to a whole export, so a sample is enough; a plainly wrong value is left to PostgreSQL's own
 * error (line and column).
 */
final class PlainValues {

    /** Data rows checked at the start of an export (about 1 % of a million-row card's parsing). */
    static final int SAMPLE_ROWS = 10_000;

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|NaN|-?Infinity");
    private static final Pattern FORMATTED_NUMBER = Pattern.compile(
            ".*(\\d[,\\u00a0\\u202f '’٬]\\d{3}|\\d\\.\\d{3},\\d|[$€£¥₽﷼%°]|[٠-٩۰-۹]).*");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern DATETIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?(\\[[^\\]]+])?");
    private static final Pattern TIME = Pattern.compile("\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?");
    private static final Pattern FORMATTED_TEMPORAL = Pattern.compile(".*(\\p{L}|\\d{1,2}/\\d{1,2}/\\d{2,4}|,|[٠-٩۰-۹]).*");

    private final String card;
    private final List<CardColumns.Column> columns;
    private final ByteArrayOutputStream row = new ByteArrayOutputStream();

    PlainValues(String card, List<CardColumns.Column> columns) {
        this.card = card;
        this.columns = List.copyOf(columns);
    }

    void accept(byte b) {
        row.write(b);
    }

    /** The row just ended (its bytes so far, without the newline): checks its numeric and temporal fields. */
    void rowEnded(long rowNumber) throws ExportException {
        String text = row.toString(StandardCharsets.UTF_8);
        row.reset();
        List<String> fields = fields(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
        for (int i = 0; i < Math.min(fields.size(), columns.size()); i++) {
            String value = fields.get(i);
            CardColumns.Column column = columns.get(i);
            if (!value.isEmpty() && formatted(column.type(), value)) {
                throw new ExportException(card, "column '" + column.title() + "' (" + column.name() + ", " + column.type()
                        + ") holds a formatted value in data row " + rowNumber + ": \"" + value + "\". Metabase formatted the"
                        + " export although format_rows=false was sent (a version or proxy that dropped the request's options?);"
                        + " nothing was loaded, the previous data stays");
            }
        }
    }

    static boolean formatted(String type, String value) {
        return switch (type) {
            case "bigint", "numeric", "double precision" -> !NUMBER.matcher(value).matches() && FORMATTED_NUMBER.matcher(value).matches();
            case "date" -> !DATE.matcher(value).matches() && FORMATTED_TEMPORAL.matcher(value).matches();
            case "timestamp without time zone", "timestamp with time zone" ->
                    !DATETIME.matcher(value).matches() && FORMATTED_TEMPORAL.matcher(value).matches();
            case "time without time zone", "time with time zone" -> !TIME.matcher(value).matches() && FORMATTED_TEMPORAL.matcher(value).matches();
            default -> false;
        };
    }

    /** RFC 4180 fields of one row. */
    private static List<String> fields(String row) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
