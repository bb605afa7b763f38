package io.caravan.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it leaves the process: log lines, errors stored in the database, API answers.
 * <p>
 * Static because logback's converters are created before Spring and outside it. Values are registered at startup
 * from the configuration (any key that names a token, password, secret or API key) and by clients that learn a
 * secret at run time (an OAuth2 access token, a Metabase session id).
 */
public final class Secrets {

    public static final String MASK = "****";

    /** A Telegram bot token inside a URL path ({@code /bot123:abc/}) even if it was never configured here. */
    private static final Pattern BOT_TOKEN = Pattern.compile("bot\\d{3,}:[A-Za-z0-9_-]{10,}");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}");
    private static final int MIN_LENGTH = 4;

    private static final List<String> VALUES = new CopyOnWriteArrayList<>();

    private Secrets() {
    }

    public static void register(String secret) {
        if (secret == null || secret.isBlank() || secret.length() < MIN_LENGTH || VALUES.contains(secret)) {
            return;
        }
        VALUES.add(secret);
        // The forms a secret takes once it is inside an endpoint URI (percent-encoded) or a JSON answer (Jolokia
        // writes '/' as '\/'): masked as well, or the same value leaks in another spelling.
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String escaped = secret.replace("/", "\\/");
        for (String variant : new String[] {encoded, encoded.replace("+", "%20"), escaped}) {
            if (!variant.equals(secret) && !VALUES.contains(variant)) {
                VALUES.add(variant);
            }
        }
        // Longest first, so a secret that contains another is masked whole.
        List<String> sorted = VALUES.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        VALUES.clear();
        VALUES.addAll(sorted);
    }

    public static Set<String> registered() {
        return Set.copyOf(VALUES);
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : VALUES) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        if (result.indexOf("bot") >= 0) {
            result = BOT_TOKEN.matcher(result).replaceAll("bot" + MASK);
        }
        // Every log line passes here: only pay for the regex when a Bearer value can be present.
        if (containsIgnoreCase(result, "bearer")) {
            result = BEARER.matcher(result).replaceAll("$1" + MASK);
        }
        return result;
    }

    private static boolean containsIgnoreCase(String text, String word) {
        for (int i = 0, last = text.length() - word.length(); i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    /** A secret-free, single-paragraph description of a failure and its causes, for job_runs, outbox and alerts. */
    public static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        Throwable current = error;
        int depth = 0;
        while (current != null && depth++ < 6) {
            if (!text.isEmpty()) {
                text.append("; caused by ");
            }
            text.append(current.getClass().getSimpleName());
            if (current.getMessage() != null) {
                text.append(": ").append(current.getMessage());
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        String redacted = redact(text.toString());
        return redacted.length() > 4000 ? redacted.substring(0, 4000) + "…" : redacted;
    }
}
