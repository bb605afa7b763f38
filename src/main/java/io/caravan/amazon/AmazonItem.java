package io.caravan.amazon;

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
}
