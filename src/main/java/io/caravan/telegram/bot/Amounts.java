package io.caravan.telegram.bot;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Numbers as people type them in a chat: {@code 1299.90}, {@code 1299,90}, {@code 1.299,90}, {@code 1,299.90}, {@code %30}. */
public final class Amounts {

    private static final Pattern NUMBER = Pattern.compile("[-+]?[0-9.,]*[0-9][0-9.,]*");

    private Amounts() {
    }

    /**
     * The last '.' or ',' is the decimal separator unless exactly three digits follow it and it is the only
     * separator kind ({@code 1.299} is Turkish for one thousand two hundred ninety-nine: prices have no third
     * decimal). Earlier separators are thousands separators.
     *
     * @return null when the text is not a number
     */
    public static BigDecimal parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        if (!NUMBER.matcher(s).matches()) {
            return null;
        }
        int separator = Math.max(s.lastIndexOf('.'), s.lastIndexOf(','));
        String normalised;
        if (separator < 0) {
            normalised = s;
        } else {
            String whole = s.substring(0, separator).replace(".", "").replace(",", "");
            String fraction = s.substring(separator + 1);
            boolean oneKind = s.indexOf('.') < 0 || s.indexOf(',') < 0;
            if (fraction.isEmpty() || fraction.contains(".") || fraction.contains(",")) {
                return null;
            }
            normalised = oneKind && fraction.length() == 3 ? whole + fraction : whole + "." + fraction;
        }
        try {
            return new BigDecimal(normalised);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A percentage with the sign on either side ({@code 30%}, Turkish {@code %30}). @return null when not a number */
    public static BigDecimal percent(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        if (s.startsWith("%")) {
            s = s.substring(1);
        } else if (s.endsWith("%")) {
            s = s.substring(0, s.length() - 1);
        }
        return parse(s);
    }

    /** {@code 25.00} → {@code 25}, {@code 12.50} → {@code 12.5}. */
    public static String percentText(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    /** Prices always with two decimals, as Amazon shows them: {@code 1299.90}. */
    public static String priceText(BigDecimal value) {
        return value.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
