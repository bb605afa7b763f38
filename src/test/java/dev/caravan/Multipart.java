package dev.caravan;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multipart/form-data body as the Bot API takes it (an upload: "upload a new photo using multipart/form-data"):
 * each part a field, text or a file with a filename. For the fake Bot APIs of dev mode and the tests.
 */
public final class Multipart {

    /** @param filename null for a plain field; @param content the raw bytes of the part */
    public record Part(String name, String filename, String contentType, byte[] content) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

    private Multipart() {
    }

    public static boolean is(String contentType) {
        return contentType != null && contentType.toLowerCase().startsWith("multipart/form-data");
    }

    /** The parts by name, in order; an error naming what is wrong for a body that is not multipart/form-data. */
    public static Map<String, Part> parse(String contentType, byte[] body) {
        Matcher boundary = BOUNDARY.matcher(String.valueOf(contentType));
        if (!is(contentType) || !boundary.find()) {
            throw new IllegalArgumentException("not multipart/form-data with a boundary: " + contentType);
        }
        // ISO-8859-1 maps each byte to one char, so offsets in the string are offsets in the bytes.
        String raw = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary.group(1);
        Map<String, Part> parts = new LinkedHashMap<>();
        int at = raw.indexOf(delimiter);
        while (at >= 0) {
            int start = at + delimiter.length();
            if (raw.startsWith("--", start)) {
                break; // the closing delimiter
            }
            int headersEnd = raw.indexOf("\r\n\r\n", start);
            int next = raw.indexOf("\r\n" + delimiter, headersEnd);
            if (headersEnd < 0 || next < 0) {
                throw new IllegalArgumentException("multipart body cut short after byte " + start);
            }
            String headers = raw.substring(start, headersEnd);
            Matcher name = NAME.matcher(headers);
            if (!name.find()) {
                throw new IllegalArgumentException("multipart part without a name at byte " + start);
            }
            Matcher filename = FILENAME.matcher(headers);
            String type = headers.lines().filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .map(l -> l.substring("content-type:".length()).strip()).findFirst().orElse("text/plain");
            byte[] content = new byte[next - (headersEnd + 4)];
            System.arraycopy(body, headersEnd + 4, content, 0, content.length);
            parts.put(name.group(1), new Part(name.group(1), filename.find() ? filename.group(1) : null, type, content));
            at = next + 2;
        }
        return parts;
    }
}
