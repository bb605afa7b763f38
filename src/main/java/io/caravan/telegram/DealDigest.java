package io.caravan.telegram;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/**
 * A compose step for route files: rows of {@code active_deals} (as {@code sql:} returns them) → one HTML message for
 * {@code telegram-gate:}, a numbered list of linked titles with price and discount. Used by the README's digest
 * example; any route may call it.
 */
@Component("dealDigest")
public class DealDigest {

    /** @param rows maps with title, url, price, currency, discount_pct (other columns are ignored) */
    public String compose(@Body List<Map<String, Object>> rows) {
        if (rows == null || rows.isEmpty()) {
            throw new IllegalArgumentException("dealDigest.compose: no deals to compose (filter empty results first)");
        }
        StringBuilder html = new StringBuilder("🔥 <b>").append(rows.size() == 1 ? "Today's best deal" : "Today's " + rows.size() + " best deals")
                .append("</b>\n");
        int n = 0;
        for (Map<String, Object> row : rows) {
            String title = row.get("title") == null ? String.valueOf(row.get("asin")) : String.valueOf(row.get("title"));
            html.append('\n').append(++n).append(". ");
            if (row.get("url") != null) {
                html.append("<a href=\"").append(TelegramHtml.escapeAttribute(String.valueOf(row.get("url")))).append("\">")
                        .append(TelegramHtml.escape(title)).append("</a>");
            } else {
                html.append(TelegramHtml.escape(title));
            }
            html.append(" — ").append(TelegramHtml.escape(money(row.get("price"))));
            if (row.get("currency") != null) {
                html.append(' ').append(TelegramHtml.escape(String.valueOf(row.get("currency"))));
            }
            if (row.get("discount_pct") != null) {
                html.append(" (−").append(new BigDecimal(String.valueOf(row.get("discount_pct"))).setScale(0, RoundingMode.HALF_UP)
                        .toPlainString()).append("%)");
            }
        }
        return TelegramHtml.truncate(html.toString(), TelegramHtml.TEXT_LIMIT);
    }

    private static String money(Object value) {
        return value == null ? "?" : new BigDecimal(String.valueOf(value)).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
