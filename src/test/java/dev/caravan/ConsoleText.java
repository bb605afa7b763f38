package dev.caravan;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the console shows for a number the API or Prometheus gives: Java copies of console-format.js's duration(),
 * age() and format(), so a test can say "the page shows exactly this" rather than "the page shows something". Also
 * reads /actuator/prometheus's text, the numbers' other source.
 */
final class ConsoleText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s+(\\S+)");

    private ConsoleText() {
    }

    /** duration(): ms under a second, one decimal under two minutes, else minutes and seconds. */
    static String duration(Double seconds) {
        if (seconds == null) {
            return "—";
        }
        if (seconds < 1) {
            return Math.round(seconds * 1000) + " ms";
        }
        if (seconds < 120) {
            return fixed(seconds) + " s";
        }
        return (long) Math.floor(seconds / 60) + " min " + Math.round(seconds % 60) + " s";
    }

    /** age(): a dataset's age or max-age. */
    static String age(Double seconds) {
        if (seconds == null || seconds.isNaN()) {
            return "never synced";
        }
        if (seconds < 120) {
            return Math.round(seconds) + " s";
        }
        if (seconds < 7200) {
            return Math.round(seconds / 60) + " min";
        }
        if (seconds < 172800) {
            return fixed(seconds / 3600) + " h";
        }
        return fixed(seconds / 86400) + " days";
    }

    /** The seconds an age() text stands for, and how far off that may be from its rounding alone. */
    static double[] ageSeconds(String shown) {
        String[] parts = shown.split(" ");
        double value = Double.parseDouble(parts[0]);
        return switch (parts[1]) {
            case "s" -> new double[] {value, 0.5};
            case "min" -> new double[] {value * 60, 30};
            case "h" -> new double[] {value * 3600, 180};
            default -> new double[] {value * 86400, 4320};
        };
    }

    /** format(): a whole number with thousands separators, else at most two decimals; n/a for none. */
    static String number(Double value) {
        if (value == null || value.isNaN()) {
            return "n/a";
        }
        if (value == Math.rint(value) && !value.isInfinite()) {
            return String.format(Locale.ENGLISH, "%,d", value.longValue());
        }
        return String.format(Locale.ENGLISH, "%,.2f", value).replaceFirst("\\.?0+$", "");
    }

    /** Seconds from a run's start to its end, as the console works it out (millisecond times, as JavaScript has). */
    static Double seconds(JsonNode run) {
        if (run.get("finishedAt").isNull()) {
            return null;
        }
        return (Instant.parse(run.get("finishedAt").asText()).toEpochMilli()
                - Instant.parse(run.get("startedAt").asText()).toEpochMilli()) / 1000.0;
    }

    /** JavaScript's toFixed(1): the exact binary value rounded, a tie going up. */
    private static String fixed(double value) {
        return new BigDecimal(value).setScale(1, RoundingMode.HALF_UP).toPlainString();
    }

    /**
     * Every sample of one metric in Prometheus's text format, keyed by its labels as written ("" for none). A value
     * of NaN (a dataset never synced) is kept as NaN.
     */
    static Map<String, Double> samples(String prometheus, String metric) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : prometheus.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!line.startsWith("#") && sample.find() && sample.group(1).equals(metric)) {
                samples.put(sample.group(3) == null ? "" : sample.group(3), Double.parseDouble(sample.group(4)));
            }
        }
        return samples;
    }

    /** The sum of a metric's samples, as the console's cards add them up (NaN ones left out); null when none. */
    static Double sum(String prometheus, String metric) {
        double[] values = samples(prometheus, metric).values().stream().mapToDouble(Double::doubleValue)
                .filter(value -> !Double.isNaN(value)).toArray();
        return values.length == 0 ? null : java.util.Arrays.stream(values).sum();
    }

    /** One label's value out of a sample's labels ({@code application="caravan",dataset="vendors"}). */
    static String label(String labels, String name) {
        Matcher matcher = Pattern.compile("(?:^|,)" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(labels);
        return matcher.find() ? matcher.group(1) : null;
    }
}
