package io.caravan.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TelegramHtmlTest {

    @Test
    void escapesOnlyWhatHtmlParseModeNeeds() {
        assertThat(TelegramHtml.escape("Tom & Jerry <3> \"quoted\" 'single'"))
                .isEqualTo("Tom &amp; Jerry &lt;3&gt; \"quoted\" 'single'");
        assertThat(TelegramHtml.escapeAttribute("https://a.tr/x?a=1&b=\"2\"<"))
                .isEqualTo("https://a.tr/x?a=1&amp;b=&quot;2&quot;&lt;");
        assertThat(TelegramHtml.escape(null)).isEmpty();
    }

    @Test
    void countsVisibleCharactersNotMarkup() {
        assertThat(TelegramHtml.visibleLength("<b>a&amp;b</b> <a href=\"https://x.tr/?q=1&amp;r=2\">link</a>"))
                .isEqualTo("a&b link".length());
        assertThat(TelegramHtml.visibleLength("5 & 6")).as("a bare & is one character").isEqualTo(5);
    }

    @Test
    void shortHtmlIsLeftAlone() {
        String html = "<b>Çamaşır makinesi</b> &lt;yeni&gt;";
        assertThat(TelegramHtml.truncate(html, 1024)).isSameAs(html);
    }

    @Test
    void cutsAtTheLimitWithoutBreakingATagOrAnEntityAndClosesOpenTags() {
        String html = "<b>" + "x".repeat(10) + "&amp;" + "y".repeat(10) + "</b><i>tail</i>";
        // limit 12: 11 visible + "…"; the 11th visible char is the entity &amp; (one character)
        String cut = TelegramHtml.truncate(html, 12);
        assertThat(cut).isEqualTo("<b>" + "x".repeat(10) + "&amp;…</b>");
        assertThat(TelegramHtml.visibleLength(cut)).isEqualTo(12);

        String inLink = TelegramHtml.truncate("<a href=\"https://x.tr/?a=1&amp;b=2\">" + "z".repeat(50) + "</a>", 20);
        assertThat(inLink).isEqualTo("<a href=\"https://x.tr/?a=1&amp;b=2\">" + "z".repeat(19) + "…</a>");
    }

    @Test
    void cutsA1024CaptionOfPersianTextExactly() {
        String persian = "تخفیف ویژه برای گوشی هوشمند سامسونگ با دوربین عالی و باتری قوی ";
        String html = "<b>" + TelegramHtml.escape(persian.repeat(40)) + "</b>\n<s>1.299,00 TL</s>";
        String cut = TelegramHtml.truncate(html, TelegramHtml.CAPTION_LIMIT);
        assertThat(TelegramHtml.visibleLength(cut)).isLessThanOrEqualTo(1024).isGreaterThan(1000);
        assertThat(cut).startsWith("<b>تخفیف").endsWith("…</b>").doesNotContain("<s>");
    }

    @Test
    void neverSplitsASurrogatePair() {
        String html = "ab" + "😀".repeat(10);
        String cut = TelegramHtml.truncate(html, 6); // budget 5: "ab" + one emoji (2 units); a second would need 7
        assertThat(cut).isEqualTo("ab😀…");
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
    }

    @Test
    void plainTextDropsTagsAndDecodesEntities() {
        assertThat(TelegramHtml.toPlainText("<b>Tom &amp; Jerry</b> &lt;3 <a href=\"u\">go</a> &#8364; &#x41;"))
                .isEqualTo("Tom & Jerry <3 go € A");
    }
}
