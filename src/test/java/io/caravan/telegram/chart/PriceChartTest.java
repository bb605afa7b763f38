package io.caravan.telegram.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The chart of a known history: its data asserted exactly, and the PNG compared with the golden one in docs/ (shown
 * in docs/price-charts.md). Regenerate the golden file after a deliberate change of the picture with
 * {@code -Dgolden.update=true}.
 */
class PriceChartTest {

    static final Path GOLDEN = Path.of("docs/price-charts-golden.png");
    static final Instant NOW = Instant.parse("2026-11-23T11:05:00Z");
    static final String TITLE = "گوشی Samsung Galaxy A55 – Şarj aleti dahil, İstanbul teslim";

    static PriceSeries.Point at(String instant, String price) {
        return new PriceSeries.Point(Instant.parse(instant), price == null ? null : new BigDecimal(price));
    }

    /** Four months of a phone's price: raised before the drop, a week out of stock, the deal's own row last. */
    static PriceSeries knownHistory() {
        return new PriceSeries(List.of(
                at("2026-08-01T09:00:00Z", "1249.90"),
                at("2026-09-01T06:00:00Z", "1199.90"),
                at("2026-09-20T12:00:00Z", "1349.00"),
                at("2026-10-05T08:30:00Z", null),
                at("2026-10-08T10:00:00Z", "1149.90"),
                at("2026-11-01T07:15:00Z", "1299.00"),
                at("2026-11-23T11:05:00Z", "899.90")), Instant.parse("2026-07-15T00:00:00Z"));
    }

    static ChartData knownChart() {
        return ChartData.of(TITLE, knownHistory(), Duration.ofDays(90), NOW, new BigDecimal("899.90"),
                new BigDecimal("1199.90"), ZoneId.of("Europe/Istanbul"), "TRY");
    }

    @Test
    void theChartShowsTheWindowsStepsReferenceDealAndExtremes() {
        ChartData data = knownChart();

        assertThat(data.from()).isEqualTo(Instant.parse("2026-08-25T11:05:00Z"));
        assertThat(data.to()).isEqualTo(NOW);
        assertThat(data.steps()).containsExactly(
                at("2026-08-25T11:05:00Z", "1249.90"), // the price standing when the window opens
                at("2026-09-01T06:00:00Z", "1199.90"),
                at("2026-09-20T12:00:00Z", "1349.00"),
                at("2026-10-05T08:30:00Z", null),
                at("2026-10-08T10:00:00Z", "1149.90"),
                at("2026-11-01T07:15:00Z", "1299.00"),
                at("2026-11-23T11:05:00Z", "899.90"));
        assertThat(data.reference()).isEqualByComparingTo("1199.90");
        assertThat(data.deal()).isEqualTo(at("2026-11-23T11:05:00Z", "899.90"));
        assertThat(data.lowest()).isEqualTo(at("2026-11-23T11:05:00Z", "899.90"));
        assertThat(data.highest()).isEqualTo(at("2026-09-20T12:00:00Z", "1349.00"));
        assertThat(data.zone()).isEqualTo(ZoneId.of("Europe/Istanbul"));
        assertThat(data.currency()).isEqualTo("TRY");
    }

    @Test
    void theRenderedPngMatchesTheGoldenOneInDocs() throws Exception {
        byte[] png = PriceChart.png(knownChart());
        BufferedImage actual = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(actual.getWidth()).isEqualTo(PriceChart.WIDTH);
        assertThat(actual.getHeight()).isEqualTo(PriceChart.HEIGHT);
        assertThat(png.length).as("small enough for a quick upload").isLessThan(150_000);
        if (Boolean.getBoolean("golden.update") || !Files.exists(GOLDEN)) {
            Files.write(GOLDEN, png);
        }
        BufferedImage golden = ImageIO.read(GOLDEN.toFile());
        // Font rasterising differs a little between JDK builds: allow 2 % of pixels to differ by more than a shade.
        long differing = 0;
        for (int y = 0; y < golden.getHeight(); y++) {
            for (int x = 0; x < golden.getWidth(); x++) {
                if (distance(golden.getRGB(x, y), actual.getRGB(x, y)) > 48) {
                    differing++;
                }
            }
        }
        assertThat(differing).as("pixels differing from %s", GOLDEN).isLessThan(golden.getWidth() * golden.getHeight() / 50);
    }

    /** The caption shown beside the golden chart in docs/price-charts.md: what the post of this deal says. */
    @Test
    void theCaptionBesideTheGoldenChartIsTheRealOne() {
        var context = PriceContext.of(knownHistory(), NOW, new BigDecimal("899.90"), 90).orElseThrow();
        var deal = new io.caravan.telegram.DealMessages.Deal(1, TITLE, "https://www.amazon.com.tr/dp/B0GOLDEN01?tag=caravan-21",
                null, "899.90", "1199.90", "25.00", "TRY", NOW);
        String caption = new io.caravan.telegram.DealMessages(ZoneId.of("Europe/Istanbul"))
                .caption(deal, io.caravan.telegram.TelegramHtml.CAPTION_LIMIT, false, io.caravan.telegram.Language.EN, context);
        assertThat(caption).isEqualTo("<b>" + TITLE + "</b>\n\n💰 <b>899.90 TRY</b>  <s>1199.90 TRY</s>\n📉 -25%\n"
                + "📊 Lowest price in 46 days\n🕒 Price as of 14:05");
    }

    @Test
    void persianTurkishAndLatinAllHaveAGlyphInTheBundledFonts() {
        for (String text : List.of("Şarj aleti dahil, İstanbul ğüöç ı", "Samsung Galaxy 1299.90 TRY")) {
            assertThat(ChartFonts.REGULAR.canDisplayUpTo(text)).as(text).isEqualTo(-1);
        }
        assertThat(ChartFonts.ARABIC.canDisplayUpTo("گوشی سامسونگ ۱۲۳")).isEqualTo(-1);
    }

    private static int distance(int a, int b) {
        return Math.max(Math.abs(((a >> 16) & 0xff) - ((b >> 16) & 0xff)),
                Math.max(Math.abs(((a >> 8) & 0xff) - ((b >> 8) & 0xff)), Math.abs((a & 0xff) - (b & 0xff))));
    }
}
