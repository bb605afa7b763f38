package io.caravan.telegram.bot;

import static io.caravan.telegram.Messages.text;

import io.caravan.telegram.DealMessages;
import io.caravan.telegram.Language;
import io.caravan.telegram.Messages.Key;
import io.caravan.telegram.chart.DealCharts;
import io.caravan.telegram.chart.PriceContext;
import io.caravan.telegram.chart.PriceSeries;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * /history &lt;ASIN or link&gt;: a tracked product's price chart and the context line its history supports. Also how
 * /track answers once the product has history. The chart is rendered in the update's transaction and queued as a
 * sendPhoto naming it (telegram_charts); the sender uploads it.
 */
public class HistoryCommands {

    private final JdbcTemplate jdbc;
    private final BotReplies replies;
    private final DealCharts charts;
    private final String defaultMarketplace;

    public HistoryCommands(JdbcTemplate jdbc, BotReplies replies, DealCharts charts, String defaultMarketplace) {
        this.jdbc = jdbc;
        this.replies = replies;
        this.charts = charts;
        this.defaultMarketplace = defaultMarketplace;
    }

    private record Product(String title, BigDecimal price, String currency) {
    }

    public void history(BotUpdate update) {
        Language language = update.language();
        BotCommand command = BotUpdates.command(update);
        Optional<ProductRef> product = WatchCommands.productArgument(replies, update, command, Key.HISTORY_USAGE, defaultMarketplace);
        if (product.isEmpty()) {
            return;
        }
        ProductRef ref = product.get();
        if (!replyWithChart(update, ref, null)) {
            if (product(ref) == null) {
                replies.reply(update, text(language, Key.HISTORY_UNTRACKED, ref.asin(), ref.asin()));
            } else {
                long prices = charts.evidence(ref.asin(), ref.marketplace(), Instant.now(), null).series().prices();
                replies.reply(update, text(language, Key.HISTORY_NO_PRICES, ref.asin(), prices, charts.minPoints()));
            }
        }
    }

    /**
     * Queues the product's chart with {@code lead} (or the product's title and price) and the context line as its
     * caption, when the product has enough history for one.
     *
     * @return false when there is no chart to show (unknown product, too few prices): nothing was queued
     */
    boolean replyWithChart(BotUpdate update, ProductRef ref, String lead) {
        Product product = product(ref);
        if (product == null) {
            return false;
        }
        Instant now = Instant.now();
        DealCharts.Evidence evidence = charts.evidence(ref.asin(), ref.marketplace(), now, product.price());
        BigDecimal price = product.price() != null ? product.price() : lastPrice(evidence.series());
        if (price == null || !charts.chartable(evidence.series())) {
            return false;
        }
        String title = product.title() == null ? ref.asin() : product.title();
        long chartId = charts.renderForReply(title, evidence.series(), now, price, null, product.currency());
        String caption = lead != null ? lead : text(update.language(), Key.HISTORY_CAPTION, title,
                price.toPlainString() + (product.currency() == null ? "" : " " + product.currency()));
        // The current price is judged against the prices before it took hold (its own row is no evidence for it).
        List<PriceSeries.Point> points = evidence.series().points();
        PriceSeries.Point last = points.isEmpty() ? null : points.get(points.size() - 1);
        Instant since = last != null && last.price() != null && last.price().compareTo(price) == 0 ? last.at() : now;
        var context = charts.context(evidence.series(), since, price);
        if (context != null && context.kind() == PriceContext.Kind.LOWEST_SINCE_TRACKING) {
            // "began N days ago" counts to now, not to when the current price took hold.
            context = new PriceContext.Statement(context.kind(), Duration.between(points.get(0).at(), now).toDays());
        }
        if (context != null) {
            caption += "\n📊 " + DealMessages.context(context, update.language());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(DealMessages.CHART, chartId);
        body.put("caption", caption.length() > 1024 ? caption.substring(0, 1023) + "…" : caption);
        replies.send(update, "sendPhoto", body);
        return true;
    }

    private Product product(ProductRef ref) {
        List<Product> rows = jdbc.query("SELECT title, current_price, currency FROM products WHERE asin = ? AND marketplace = ?",
                (rs, n) -> new Product(rs.getString(1), rs.getBigDecimal(2), rs.getString(3)), ref.asin(), ref.marketplace());
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static BigDecimal lastPrice(PriceSeries series) {
        BigDecimal last = null;
        for (PriceSeries.Point point : series.points()) {
            if (point.price() != null) {
                last = point.price();
            }
        }
        return last;
    }
}
