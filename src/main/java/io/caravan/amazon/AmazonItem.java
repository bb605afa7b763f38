package io.caravan.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * One item as the Creators API returned it. {@code offer} is null when Amazon sent no listing (absent or null
 * {@code offersV2}, empty {@code listings}): "no offer" is never a price of zero.
 */
public record AmazonItem(String asin, String title, String url, String imageUrl, Offer offer) {

    /**
     * The Buy Box listing (else the first) of {@code offersV2.listings[]}.
     *
     * @param savingBasis     Amazon's "was"/list price ({@code price.savingBasis.money.amount}), null when none
     * @param savingBasisType LIST_PRICE, WAS_PRICE, LOWEST_PRICE, LOWEST_PRICE_STRIKETHROUGH
     * @param availability    {@code availability.type}, e.g. IN_STOCK, OUT_OF_STOCK
     */
    public record Offer(BigDecimal price, String currency, BigDecimal savingBasis, String savingBasisType,
                        String availability) {
    }

    /** An item of a getItems or searchItems body: its title, detail page, large image and offer. */
    static AmazonItem from(JsonNode node) {
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
        if (listing != null && listing.path("price").path("money").hasNonNull("amount")) {
            JsonNode price = listing.path("price");
            JsonNode basis = price.path("savingBasis");
            offer = new Offer(price.path("money").get("amount").decimalValue(),
                    price.path("money").path("currency").asText(null),
                    basis.path("money").hasNonNull("amount") ? basis.path("money").get("amount").decimalValue() : null,
                    basis.path("savingBasisType").asText(null),
                    listing.path("availability").path("type").asText(null));
        } else if (listing != null) {
            offer = new Offer(null, null, null, null, listing.path("availability").path("type").asText("UNAVAILABLE"));
        }
        return new AmazonItem(node.path("asin").asText(), text(node.path("itemInfo").path("title").path("displayValue")),
                text(node.path("detailPageURL")), text(node.path("images").path("primary").path("large").path("url")), offer);
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }
}
