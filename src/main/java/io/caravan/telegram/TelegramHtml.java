package io.caravan.telegram;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Telegram's HTML parse mode: only {@code < > &} are escaped in text (plus {@code "} inside an attribute), the only
 * named entities are {@code &lt; &gt; &amp; &quot;}, and limits count the visible characters after parsing, not the
 * HTML source. Works on the HTML this package builds: well-formed tags, attribute values without a raw {@code >}.
 * Lengths are counted in UTF-16 code units, as Telegram counts entity offsets; that never undercounts a character.
 */
public final class TelegramHtml {

    public static final int CAPTION_LIMIT = 1024;
    public static final int TEXT_LIMIT = 4096;
    private static final String ELLIPSIS = "…";

    private TelegramHtml() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** For a value inside {@code href="..."}. */
    public static String escapeAttribute(String text) {
        return escape(text).replace("\"", "&quot;");
    }

    /** How many characters Telegram shows for this HTML. */
    public static int visibleLength(String html) {
        int length = 0;
        for (int i = 0; i < html.length(); ) {
            char c = html.charAt(i);
            if (c == '<') {
                int end = html.indexOf('>', i);
                i = end < 0 ? html.length() : end + 1;
            } else if (c == '&' && entityEnd(html, i) > 0) {
                i = entityEnd(html, i);
                length++;
            } else {
                i++;
                length++;
            }
        }
        return length;
    }

    /**
     * Cuts the HTML to at most {@code limit} visible characters, ending with "…" when cut. Never cuts inside a tag,
     * an entity or a surrogate pair, and closes the tags that were open at the cut.
     */
    public static String truncate(String html, int limit) {
        if (visibleLength(html) <= limit) {
            return html;
        }
        int budget = limit - ELLIPSIS.length();
        StringBuilder out = new StringBuilder(Math.min(html.length(), limit * 2));
        Deque<String> open = new ArrayDeque<>();
        int visible = 0;
        for (int i = 0; i < html.length(); ) {
            char c = html.charAt(i);
            if (c == '<') {
                int end = html.indexOf('>', i);
                end = end < 0 ? html.length() - 1 : end;
                String tag = html.substring(i, end + 1);
                String name = tagName(tag);
                if (tag.startsWith("</")) {
                    if (!open.isEmpty() && open.peek().equals(name)) {
                        open.pop();
                    }
                } else if (!tag.endsWith("/>")) {
                    open.push(name);
                }
                out.append(tag);
                i = end + 1;
                continue;
            }
            int next = c == '&' && entityEnd(html, i) > 0 ? entityEnd(html, i)
                    : Character.isHighSurrogate(c) && i + 1 < html.length() ? i + 2 : i + 1;
            int width = c == '&' && next - i > 1 ? 1 : next - i;
            if (visible + width > budget) {
                break;
            }
            out.append(html, i, next);
            visible += width;
            i = next;
        }
        // A cut right after an opening tag would leave an empty element; drop trailing whitespace before the "…".
        int trimmed = out.length();
        while (trimmed > 0 && Character.isWhitespace(out.charAt(trimmed - 1))) {
            trimmed--;
        }
        out.setLength(trimmed);
        out.append(ELLIPSIS);
        while (!open.isEmpty()) {
            out.append("</").append(open.pop()).append('>');
        }
        return out.toString();
    }

    /** The text without tags and with entities decoded: what to send without parse_mode when the HTML was refused. */
    public static String toPlainText(String html) {
        StringBuilder out = new StringBuilder(html.length());
        for (int i = 0; i < html.length(); ) {
            char c = html.charAt(i);
            if (c == '<') {
                int end = html.indexOf('>', i);
                if (end < 0) {
                    out.append(html, i, html.length());
                    break;
                }
                i = end + 1;
            } else if (c == '&' && entityEnd(html, i) > 0) {
                int end = entityEnd(html, i);
                out.append(decode(html.substring(i + 1, end - 1)));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** @return the index after the entity's ';', or -1 when this '&' does not start an entity */
    private static int entityEnd(String html, int at) {
        int semicolon = html.indexOf(';', at);
        if (semicolon < 0 || semicolon - at > 10 || semicolon == at + 1) {
            return -1;
        }
        String name = html.substring(at + 1, semicolon);
        if (name.equals("lt") || name.equals("gt") || name.equals("amp") || name.equals("quot")) {
            return semicolon + 1;
        }
        if (name.charAt(0) == '#' && name.length() > 1
                && name.substring(1).matches("[0-9]+|[xX][0-9a-fA-F]+")) {
            return semicolon + 1;
        }
        return -1;
    }

    private static String decode(String name) {
        return switch (name) {
            case "lt" -> "<";
            case "gt" -> ">";
            case "amp" -> "&";
            case "quot" -> "\"";
            default -> {
                int code = name.charAt(1) == 'x' || name.charAt(1) == 'X'
                        ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
                yield new String(Character.toChars(code));
            }
        };
    }

    private static String tagName(String tag) {
        int start = tag.startsWith("</") ? 2 : 1;
        int end = start;
        while (end < tag.length() && Character.isLetterOrDigit(tag.charAt(end)) || end < tag.length() && tag.charAt(end) == '-') {
            end++;
        }
        return tag.substring(start, end).toLowerCase(Locale.ROOT);
    }
}
