package io.caravan.metabase;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;

/**
 * An incremental card's cursor: each run passes the highest {@code column} value loaded so far (the high-water mark,
 * less {@code overlap}) as the value of the native template tag {@code parameter}, so Metabase exports only the rows
 * after it. The card's SQL does the filtering, e.g. {@code WHERE ordered_at > {{since}} ORDER BY ordered_at}.
 *
 * @param parameter the native template tag that receives the mark
 * @param column    the result column whose highest loaded value becomes the next mark
 * @param type      how the mark is read, compared, sent and moved back by the overlap
 * @param start     the value sent by the first run (no mark yet) and by a full refresh; without it, no value is sent
 *                  and the card's own default for the tag applies
 * @param overlap   how far before the mark each run starts again, to re-read late-arriving rows (upsert absorbs
 *                  them): a duration such as {@code 1d}, {@code 6h} or {@code 1 day} for date and datetime cursors,
 *                  a number for number cursors
 */
public record CardCursor(String parameter, String column, Type type, String start, String overlap) {

    /** What the cursor column holds. */
    public enum Type {
        DATE, DATETIME, NUMBER;

        /** Metabase's parameter type for a raw-value template tag of this kind. */
        String parameterType() {
            return this == NUMBER ? "number" : "date/single";
        }
    }

    private static final Pattern WORDS = Pattern.compile("(\\d+)\\s*(day|days|hour|hours|minute|minutes|second|seconds)");

    public CardCursor {
        if (parameter == null || parameter.isBlank()) {
            throw new IllegalArgumentException("cursor.parameter: name the card's native template tag that takes the mark");
        }
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("cursor.column: name the result column whose highest value is the mark");
        }
        column = column.trim().toLowerCase(Locale.ROOT);
        MetabaseProperties.requireIdentifier("cursor.column", column);
        if (type == null) {
            throw new IllegalArgumentException("cursor.type: date, datetime or number");
        }
        start = start == null || start.isBlank() ? null : start.trim();
        overlap = overlap == null || overlap.isBlank() ? null : overlap.trim();
        if (start != null) {
            compare(type, start, start, "cursor.start");
        }
        if (overlap != null) {
            if (type == Type.NUMBER) {
                number(overlap, "cursor.overlap");
            } else {
                duration(overlap);
            }
        }
    }

    /** The value the next run sends: the mark less the overlap, or {@code start} before the first mark; null: none. */
    public String from(String mark) {
        if (mark == null) {
            return start;
        }
        if (overlap == null) {
            return mark;
        }
        return switch (type) {
            case NUMBER -> number(mark, "mark").subtract(number(overlap, "cursor.overlap")).toPlainString();
            case DATE -> LocalDate.parse(mark).minusDays(Math.max(1, duration(overlap).toDays())).toString();
            case DATETIME -> {
                Duration back = duration(overlap);
                yield hasOffset(mark) ? OffsetDateTime.parse(mark).minus(back).toInstant().toString()
                        : LocalDateTime.parse(mark).minus(back).toString();
            }
        };
    }

    /** The later of two marks (either may be null): a run that re-read the overlap never moves the mark back. */
    public String later(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return compare(type, a, b, "mark") >= 0 ? a : b;
    }

    /** The Metabase parameter that sends {@code value} to the template tag. */
    public String parameterJson(String value) {
        String literal = type == Type.NUMBER ? value : '"' + value + '"';
        return "{\"type\":\"" + type.parameterType() + "\",\"target\":[\"variable\",[\"template-tag\","
                + quoteJson(parameter) + "]],\"value\":" + literal + "}";
    }

    private static int compare(Type type, String a, String b, String what) {
        try {
            return switch (type) {
                case NUMBER -> number(a, what).compareTo(number(b, what));
                case DATE -> LocalDate.parse(a).compareTo(LocalDate.parse(b));
                case DATETIME -> hasOffset(a) || hasOffset(b) ? instant(a).compareTo(instant(b))
                        : LocalDateTime.parse(a).compareTo(LocalDateTime.parse(b));
            };
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " '" + a + "' is not a " + type.name().toLowerCase(Locale.ROOT)
                    + " (ISO 8601: 2026-01-31 or 2026-01-31T09:00:00, with an offset if the column has one)");
        }
    }

    private static Instant instant(String value) {
        return hasOffset(value) ? OffsetDateTime.parse(value).toInstant() : LocalDateTime.parse(value).toInstant(java.time.ZoneOffset.UTC);
    }

    private static boolean hasOffset(String value) {
        return value.endsWith("Z") || value.matches(".*T.*[+-]\\d{2}:?\\d{2}$");
    }

    private static BigDecimal number(String value, String what) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a number");
        }
    }

    static Duration duration(String text) {
        Matcher words = WORDS.matcher(text.toLowerCase(Locale.ROOT));
        if (words.matches()) {
            long n = Long.parseLong(words.group(1));
            return switch (words.group(2).replaceAll("s$", "")) {
                case "day" -> Duration.ofDays(n);
                case "hour" -> Duration.ofHours(n);
                case "minute" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor.overlap '" + text + "' is not a duration (1d, 6h, 30m, 1 day, PT6H)");
        }
    }

    private static String quoteJson(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
