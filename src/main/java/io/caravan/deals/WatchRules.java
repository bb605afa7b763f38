package io.caravan.deals;

import java.math.BigDecimal;

/**
 * When a user's watch (Telegram /track) fires. Fires on the crossing, not on every check below the target, so a
 * price that stays low does not repeat the message.
 */
public final class WatchRules {

    private WatchRules() {
    }

    /**
     * @param previouslyAvailable availability at the previous check; null when never checked (a first sighting is
     *                            not "back" in stock)
     * @return {@code target-reached}, {@code back-in-stock} or null
     */
    public static String hit(BigDecimal targetPrice, boolean notifyBackInStock,
                             BigDecimal previousPrice, Boolean previouslyAvailable,
                             BigDecimal price, boolean available) {
        if (price == null || !available) {
            return null;
        }
        if (targetPrice != null && price.compareTo(targetPrice) <= 0
                && (previousPrice == null || !Boolean.TRUE.equals(previouslyAvailable) || previousPrice.compareTo(targetPrice) > 0)) {
            return "target-reached";
        }
        if (notifyBackInStock && Boolean.FALSE.equals(previouslyAvailable)) {
            return "back-in-stock";
        }
        return null;
    }
}
