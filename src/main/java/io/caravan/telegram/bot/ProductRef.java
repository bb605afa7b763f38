package io.caravan.telegram.bot;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A product a user wants to track: a plain ASIN (on the hub's marketplace) or an Amazon product link, whose host
 * names the marketplace ({@code https://www.amazon.de/dp/B0...} is {@code www.amazon.de}).
 */
public record ProductRef(String asin, String marketplace) {

    /**
     * Today's ASINs start with B0; books use their ISBN-10 (nine digits and a check digit or X). Anything else of
     * ten letters ("HELLOWORLD") is far more likely a typo than a product.
     */
    private static final Pattern ASIN = Pattern.compile("B0[A-Z0-9]{8}|\\d{9}[\\dX]");
    /** amazon.de, www.amazon.com.tr, smile.amazon.co.uk, m.amazon.fr — not look-alikes such as amazon.de.evil.com. */
    private static final Pattern HOST = Pattern.compile("(?:(?:www|smile|m)\\.)?amazon\\.((?:com?\\.)?[a-z]{2,3})");
    /** The product paths Amazon uses in shared links; the ASIN is the path segment after them. */
    private static final Pattern PATH = Pattern.compile(
            "(?i).*/(?:dp|gp/product|gp/aw/d|o/ASIN|exec/obidos/ASIN)/([A-Z0-9]{10})(?:[/?#].*)?");

    public static boolean isAsin(String text) {
        return text != null && ASIN.matcher(text.toUpperCase(Locale.ROOT)).matches();
    }

    /**
     * @param input              what the user typed after /track or /untrack
     * @param defaultMarketplace the marketplace of a plain ASIN ({@code caravan.amazon.marketplace})
     * @return empty when the input is neither an ASIN nor an Amazon product link
     */
    public static Optional<ProductRef> parse(String input, String defaultMarketplace) {
        if (input == null || input.isBlank()) {
            return Optional.empty();
        }
        String text = input.strip();
        if (isAsin(text)) {
            return Optional.of(new ProductRef(text.toUpperCase(Locale.ROOT), defaultMarketplace));
        }
        String url = text.contains("://") ? text : "https://" + text;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (uri.getHost() == null || uri.getRawPath() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            return Optional.empty();
        }
        Matcher host = HOST.matcher(uri.getHost().toLowerCase(Locale.ROOT));
        Matcher path = PATH.matcher(uri.getRawPath());
        if (!host.matches() || !path.matches() || !isAsin(path.group(1))) {
            return Optional.empty();
        }
        return Optional.of(new ProductRef(path.group(1).toUpperCase(Locale.ROOT), "www.amazon." + host.group(1)));
    }

    /** A link to the product without a partner tag; the price checks replace it with the tagged one. */
    public String url() {
        return "https://" + marketplace + "/dp/" + asin;
    }
}
