package io.caravan.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One item as the Creators API returned it. {@code offer} is null when Amazon sent no listing (absent or null
 * {@code offersV2}, empty {@code listings}): "no offer" is never a price of zero.
 */
public record AmazonItem(String asin, String title, String url, String imageUrl, Offer offer) {

    private static final Logger log = LoggerFactory.getLogger(AmazonItem.class);

    /**
     * The Buy Box listing (else the first) of {@code offersV2.listings[]}.
     *
     * @param savingBasis     Amazon's "was"/list price ({@code price.savingBasis.money.amount}), null when none
     * @param savingBasisType LIST_PRICE, WAS_PRICE, LOWEST_PRICE, LOWEST_PRICE_STRIKETHROUGH
     * @param availability    {@code availability.type}, e.g. IN_STOCK, OUT_OF_STOCK
     * @param type            the listing's {@code type}, e.g. LIGHTNING_DEAL, SUBSCRIBE_AND_SAVE; null when absent
     * @param deal            the listing's {@code dealDetails}, null when absent (ordinary price drops carry none)
     * @param problem         what could not be read from the listing (e.g. a bad deal timestamp), naming the ASIN and
     *                        field; the rest of the offer, the price included, is still good. Null when all was read
     */
    public record Offer(BigDecimal price, String currency, BigDecimal savingBasis, String savingBasisType,
                        String availability, String type, Deal deal, String problem) {

        public Offer(BigDecimal price, String currency, BigDecimal savingBasis, String savingBasisType, String availability) {
            this(price, currency, savingBasis, savingBasisType, availability, null, null, null);
        }
    }

    /**
     * A listing's {@code dealDetails}: Amazon shows it for Lightning Deals and other limited-time deals. Any field may
     * be absent (null); a timestamp that cannot be read is null too, and named in {@link Offer#problem}.
     *
     * @param accessType     e.g. ALL, PRIME_EARLY_ACCESS, PRIME_EXCLUSIVE
     * @param badge          the deal's badge text, e.g. "Limited time deal"
     * @param start          when the deal started
     * @param end            when it ends
     * @param percentClaimed share of a Lightning Deal's units claimed, 0–100
     */
    public record Deal(String accessType, String badge, Instant start, Instant end, Integer percentClaimed) {

        /** Start and end both known and in order: the deal's exact length is known. */
        public boolean timed() {
            return start != null && end != null && end.isAfter(start);
        }
    }

    /** An item of a getItems or searchItems body: its title, detail page, large image and offer. */
    static AmazonItem from(JsonNode node) {
        String asin = node.path("asin").asText();
        JsonNode listing = null;
        for (JsonNode candidate : node.path("offersV2").path("listings")) {
            if (listing == null || candidate.path("isBuyBoxWinner").asBoolean(false)) {
                listing = candidate;
                if (candidate.path("isBuyBoxWinner").asBoolean(false)) {
                    break;
                }
            }
        }
        Offer offer = null;
        if (listing != null) {
            StringBuilder problems = new StringBuilder();
            Deal deal = deal(asin, listing.path("dealDetails"), problems);
            String type = text(listing.path("type"));
            String problem = problems.isEmpty() ? null : problems.toString();
            if (problem != null) {
                log.warn("Creators API item {}: {}", asin, problem);
            }
            if (listing.path("price").path("money").hasNonNull("amount")) {
                JsonNode price = listing.path("price");
                JsonNode basis = price.path("savingBasis");
                offer = new Offer(price.path("money").get("amount").decimalValue(),
                        price.path("money").path("currency").asText(null),
                        basis.path("money").hasNonNull("amount") ? basis.path("money").get("amount").decimalValue() : null,
                        basis.path("savingBasisType").asText(null),
                        listing.path("availability").path("type").asText(null), type, deal, problem);
            } else {
                offer = new Offer(null, null, null, null, listing.path("availability").path("type").asText("UNAVAILABLE"),
                        type, deal, problem);
            }
        }
        return new AmazonItem(asin, text(node.path("itemInfo").path("title").path("displayValue")),
                text(node.path("detailPageURL")), text(node.path("images").path("primary").path("large").path("url")), offer);
    }

    /** {@code dealDetails}, null when absent or null; a field that cannot be read is null and added to {@code problems}. */
    private static Deal deal(String asin, JsonNode details, StringBuilder problems) {
        if (!details.isObject()) {
            return null;
        }
        Integer claimed = null;
        JsonNode percent = details.path("percentClaimed");
        if (percent.isNumber()) {
            claimed = percent.intValue();
        } else if (!percent.isMissingNode() && !percent.isNull()) {
            problem(problems, asin, "percentClaimed", percent);
        }
        return new Deal(text(details.path("accessType")), text(details.path("badge")),
                instant(asin, details, "startTime", problems), instant(asin, details, "endTime", problems), claimed);
    }

    /**
     * An ISO-8601 timestamp with an offset; Amazon's samples leave out the seconds ({@code 2024-11-06T05:35Z}), which
     * {@link Instant#parse} refuses and {@link OffsetDateTime#parse} accepts.
     */
    private static Instant instant(String asin, JsonNode details, String field, StringBuilder problems) {
        JsonNode value = details.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            problem(problems, asin, field, value);
            return null;
        }
    }

    private static void problem(StringBuilder problems, String asin, String field, JsonNode value) {
        String shown = value.asText();
        problems.append(problems.isEmpty() ? "" : "; ").append("offersV2.listings[].dealDetails.").append(field)
                .append(" of ").append(asin).append(" is not readable: '")
                .append(shown.length() > 40 ? shown.substring(0, 40) + "…" : shown).append("' (ignored, the price is kept)");
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }
}
