package io.caravan.telegram.chart;

import static io.caravan.telegram.chart.PriceChartTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.telegram.DealMessages;
import io.caravan.telegram.Language;
import io.caravan.telegram.TelegramHtml;
import io.caravan.telegram.chart.PriceContext.Kind;
import io.caravan.telegram.chart.PriceContext.Statement;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The context line says only what the history supports, in English and Turkish, on the edge cases of the issue. */
class PriceContextTest {

    private static final DealMessages MESSAGES = new DealMessages(ZoneId.of("Europe/Istanbul"));

    private static PriceSeries.Point daysAgo(double days, String price) {
        return new PriceSeries.Point(NOW.minus(Duration.ofMinutes((long) (days * 24 * 60))), price == null ? null : new BigDecimal(price));
    }

    private static Optional<Statement> context(String price, Instant trackedSince, PriceSeries.Point... points) {
        return PriceContext.of(new PriceSeries(List.of(points), trackedSince), NOW, new BigDecimal(price), 90);
    }

    /** The caption's context line as a reader sees it, or null when the caption has none. */
    private static String line(Optional<Statement> statement, Language language) {
        DealMessages.Deal deal = new DealMessages.Deal(1, "Kettle", null, null, "899.90", "1199.90", "25", "TRY", NOW);
        String caption = MESSAGES.caption(deal, TelegramHtml.TEXT_LIMIT, false, language, statement.orElse(null));
        return caption.lines().filter(l -> l.startsWith("📊 ")).map(l -> l.substring(3)).findFirst().orElse(null);
    }

    @Test
    void twoDaysOfHistorySupportNoClaimAtAll() {
        Optional<Statement> statement = context("899.90", NOW.minus(Duration.ofDays(2)), daysAgo(2, "1199.90"), daysAgo(1, "1099.90"));
        assertThat(statement).isEmpty();
        assertThat(line(statement, Language.EN)).isNull();
        assertThat(line(statement, Language.TR)).isNull();
    }

    @Test
    void aPriceEqualToAPastLowIsATieNotTheLowest() {
        Optional<Statement> statement = context("899.90", NOW.minus(Duration.ofDays(200)),
                daysAgo(120, "1199.90"), daysAgo(40, "899.90"), daysAgo(30, "1199.90"));
        assertThat(statement).contains(new Statement(Kind.MATCHES_LOW, 90));
        assertThat(line(statement, Language.EN)).isEqualTo("Matches the lowest price in 90 days");
        assertThat(line(statement, Language.TR)).isEqualTo("Son 90 günün en düşük fiyatına eşit");
    }

    @Test
    void aGapInTheChecksEndsWhatTheHistoryCanSpeakFor() {
        // 60 days ago the product had no offer for 3 days: only the 57 days since are known.
        Optional<Statement> statement = context("899.90", NOW.minus(Duration.ofDays(200)),
                daysAgo(100, "799.90"), daysAgo(60, null), daysAgo(57, "1199.90"), daysAgo(20, "999.90"));
        assertThat(statement).contains(new Statement(Kind.LOWEST_IN_DAYS, 57));
        assertThat(line(statement, Language.EN)).isEqualTo("Lowest price in 57 days");
        assertThat(line(statement, Language.TR)).isEqualTo("Son 57 günün en düşük fiyatı");
    }

    @Test
    void aGapTooCloseToTheDealLeavesTooLittleToClaim() {
        assertThat(context("899.90", NOW.minus(Duration.ofDays(200)),
                daysAgo(100, "1199.90"), daysAgo(5, null), daysAgo(3, "1199.90"))).isEmpty();
    }

    @Test
    void theWholeKnownHistoryBeatenIsTheLowestSinceTrackingBegan() {
        Optional<Statement> statement = context("899.90", NOW.minus(Duration.ofDays(12)).minus(Duration.ofHours(1)),
                daysAgo(12, "1199.90"), daysAgo(4, "999.90"));
        assertThat(statement).contains(new Statement(Kind.LOWEST_SINCE_TRACKING, 12));
        assertThat(line(statement, Language.EN)).isEqualTo("Lowest price since tracking began 12 days ago");
        assertThat(line(statement, Language.TR)).isEqualTo("12 gün önce takip başladığından beri en düşük fiyat");
    }

    @Test
    void prunedHistoryIsNotTheWholeHistory() {
        // Tracked for a year, but only the last 50 days are kept: "since tracking began" would be a guess.
        assertThat(context("899.90", NOW.minus(Duration.ofDays(365)), daysAgo(50, "1199.90"), daysAgo(10, "999.90")))
                .contains(new Statement(Kind.LOWEST_IN_DAYS, 50));
    }

    @Test
    void moreHistoryThanTheChartIsCappedAtTheChartsDays() {
        Optional<Statement> statement = context("899.90", NOW.minus(Duration.ofDays(300)),
                daysAgo(200, "999.90"), daysAgo(150, "799.90"), daysAgo(120, "1199.90"));
        assertThat(statement).as("799.90 was 150 days ago, outside the 90 days spoken of")
                .contains(new Statement(Kind.LOWEST_IN_DAYS, 90));
    }

    @Test
    void aboveAPastLowButUnderTheThirtyDayMedian() {
        Optional<Statement> statement = context("1000.00", NOW.minus(Duration.ofDays(300)),
                daysAgo(100, "1600.00"), daysAgo(60, "950.00"), daysAgo(45, "1600.00"));
        // Median of the last 30 days is 1600.00 (it held all 30): 37.5 % above 1000.00, said as a whole 37 %.
        assertThat(statement).contains(new Statement(Kind.BELOW_MEDIAN, 37));
        assertThat(line(statement, Language.EN)).isEqualTo("−37 % vs the 30-day median");
        assertThat(line(statement, Language.TR)).isEqualTo("30 günlük medyana göre −%37");
    }

    @Test
    void noMedianClaimWithoutThirtyKnownDays() {
        assertThat(context("1000.00", NOW.minus(Duration.ofDays(300)),
                daysAgo(100, "1600.00"), daysAgo(20, null), daysAgo(19, "950.00"), daysAgo(10, "1600.00"))).isEmpty();
    }
}
