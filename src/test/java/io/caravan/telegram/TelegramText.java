package io.caravan.telegram;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Telegram shows of an HTML message: tags dropped, the four named and all numeric entities decoded. */
final class TelegramText {

    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);");

    private TelegramText() {
    }

    static String visible(String html) {
        return decode(TAG.matcher(html).replaceAll(""));
    }

    /** Entities decoded, tags kept: e.g. an href as Telegram reads it. */
    static String decode(String html) {
        Matcher m = ENTITY.matcher(html);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String c = switch (e) {
                case "lt" -> "<";
                case "gt" -> ">";
                case "amp" -> "&";
                case "quot" -> "\"";
                default -> Character.toString(e.startsWith("#x") ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1)));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(c));
        }
        return m.appendTail(out).toString();
    }
}
