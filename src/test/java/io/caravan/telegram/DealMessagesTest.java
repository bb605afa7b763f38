package io.caravan.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.telegram.Language;
import io.caravan.telegram.gate.TelegramSender;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DealMessagesTest {

    private final DealMessages messages = new DealMessages(ZoneId.of("Europe/Istanbul"));

    static DealMessages.Deal deal(String title, String imageUrl) {
        return new DealMessages.Deal(42, title, "https://www.amazon.com.tr/dp/B0TEST?tag=caravan-21&th=1", imageUrl,
                "899.90", "1199.90", "25.00", "TRY", Instant.parse("2026-11-23T11:05:00Z"));
    }

    @Test
    void photoPostHasTheExactCaptionAndAUrlButton() {
        Map<String, Object> body = messages.post(deal("Kulaklık <Pro> & Kılıf", "https://m.media-amazon.com/images/I/x.jpg"));

        assertThat(messages.method(deal("t", "https://i"))).isEqualTo("sendPhoto");
        assertThat(body.get("photo")).isEqualTo("https://m.media-amazon.com/images/I/x.jpg");
        assertThat(body.get("parse_mode")).isEqualTo("HTML");
        // 11:05 UTC is 14:05 in Istanbul
        assertThat(body.get("caption")).isEqualTo("""
                <b>Kulaklık &lt;Pro&gt; &amp; Kılıf</b>

                💰 <b>899.90 TRY</b>  <s>1199.90 TRY</s>
                📉 -25%
                🕒 Price as of 14:05""");
        assertThat(body.get("reply_markup")).isEqualTo(Map.of("inline_keyboard", List.of(List.of(
                Map.of("text", DealMessages.BUTTON_TEXT, "url", "https://www.amazon.com.tr/dp/B0TEST?tag=caravan-21&th=1")))));
    }

    @Test
    void withoutAnImageItIsATextMessageWithTheTitleLinked() {
        DealMessages.Deal deal = deal("Ütü", null);
        Map<String, Object> body = messages.post(deal);
        assertThat(messages.method(deal)).isEqualTo("sendMessage");
        assertThat(body).doesNotContainKeys("photo", "caption");
        assertThat((String) body.get("text")).startsWith(
                "<b><a href=\"https://www.amazon.com.tr/dp/B0TEST?tag=caravan-21&amp;th=1\">Ütü</a></b>\n\n💰");
    }

    @Test
    void aLongTitleIsCutSoThePriceLinesStay() {
        String turkish = "Şık ve dayanıklı çelik çaydanlık, İstanbul'dan hızlı kargo & ücretsiz iade <fırsat> ";
        String caption = messages.caption(deal(turkish.repeat(30), "https://i"), TelegramHtml.CAPTION_LIMIT, false);

        assertThat(TelegramHtml.visibleLength(caption)).isEqualTo(TelegramHtml.CAPTION_LIMIT);
        assertThat(caption).startsWith("<b>Şık ve dayanıklı").contains("…</b>\n\n💰 <b>899.90 TRY</b>")
                .endsWith("🕒 Price as of 14:05");
        // no entity cut in half: every & starts one of the four entities
        assertThat(caption.replaceAll("&(amp|lt|gt|quot);", "")).doesNotContain("&");
    }

    @Test
    void expiredEditCarriesBothVariantsWithinTheirLimits() {
        String original = messages.caption(deal("x".repeat(2000), "https://i"), TelegramHtml.CAPTION_LIMIT, false);
        Map<String, Object> edit = DealMessages.expiredEdit(7, original);
        assertThat(edit.get(TelegramSender.POST_REF)).isEqualTo(7L);
        assertThat((String) edit.get("caption")).startsWith(DealMessages.EXPIRED_PREFIX + "<s><b>xxx");
        assertThat(TelegramHtml.visibleLength((String) edit.get("caption"))).isLessThanOrEqualTo(1024);
        assertThat((String) edit.get("caption")).contains("<b>899.90 TRY</b>").endsWith("…</s>");
        assertThat((String) edit.get("text")).endsWith("Price as of 14:05</s>");
        assertThat(edit).doesNotContainKey("reply_markup");
    }

    @Test
    void watchHitSaysWhatHappened() {
        Map<String, Object> target = messages.watchHit(Language.EN, "target-reached", "Kahve <makinesi>", "https://a.tr/dp/B1?tag=t",
                "450.00", "500.00", "TRY", Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(target.get("text")).isEqualTo("""
                🎯 <b>Target price reached</b>
                <a href="https://a.tr/dp/B1?tag=t">Kahve &lt;makinesi&gt;</a>
                Now <b>450.00 TRY</b> (your target 500.00 TRY)
                🕒 Price as of 09:00""");
        Map<String, Object> back = messages.watchHit(Language.EN, "back-in-stock", "Kahve", null, "450.00", "500.00", "TRY", null);
        assertThat(back.get("text")).isEqualTo("📦 <b>Back in stock</b>\nKahve\nNow <b>450.00 TRY</b>");
        assertThat(back).doesNotContainKey("reply_markup");
    }

    @Test
    void aTurkishSubscribersPostHasTheSameStructureInTurkish() {
        Map<String, Object> body = messages.post(deal("Kulaklık <Pro> & Kılıf", "https://m.media-amazon.com/images/I/x.jpg"),
                Language.TR);

        assertThat(body.get("caption")).isEqualTo("""
                <b>Kulaklık &lt;Pro&gt; &amp; Kılıf</b>

                💰 <b>899.90 TRY</b>  <s>1199.90 TRY</s>
                📉 -25%
                🕒 Fiyat 14:05 itibarıyla""");
        assertThat(body.get("reply_markup")).isEqualTo(Map.of("inline_keyboard", List.of(List.of(
                Map.of("text", "🛒 Amazon'da gör", "url", "https://www.amazon.com.tr/dp/B0TEST?tag=caravan-21&th=1")))));
        // The channel's post of the same deal stays English.
        assertThat((String) messages.post(deal("Kulaklık", "https://i")).get("caption")).endsWith("🕒 Price as of 14:05");
    }

    @Test
    void aLongTitleInTurkishIsCutWithinTheCaptionLimitToo() {
        String caption = messages.caption(deal("Çaydanlık & <fırsat> ".repeat(100), "https://i"), TelegramHtml.CAPTION_LIMIT,
                false, Language.TR);

        assertThat(TelegramHtml.visibleLength(caption)).isEqualTo(TelegramHtml.CAPTION_LIMIT);
        assertThat(caption).contains("…</b>\n\n💰 <b>899.90 TRY</b>").endsWith("🕒 Fiyat 14:05 itibarıyla");
    }

    @Test
    void aTurkishWatchHitSaysWhatHappenedInTurkish() {
        Map<String, Object> target = messages.watchHit(Language.TR, "target-reached", "Kahve <makinesi>",
                "https://a.tr/dp/B1?tag=t", "450.00", "500.00", "TRY", Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(target.get("text")).isEqualTo("""
                🎯 <b>Hedef fiyata ulaşıldı</b>
                <a href="https://a.tr/dp/B1?tag=t">Kahve &lt;makinesi&gt;</a>
                Şimdi <b>450.00 TRY</b> (hedef fiyatın 500.00 TRY)
                🕒 Fiyat 09:00 itibarıyla""");
        assertThat(target.get("reply_markup")).isEqualTo(Map.of("inline_keyboard", List.of(List.of(
                Map.of("text", "🛒 Amazon'da gör", "url", "https://a.tr/dp/B1?tag=t")))));
        Map<String, Object> back = messages.watchHit(Language.TR, "back-in-stock", "Kahve", null, "450.00", "500.00", "TRY", null);
        assertThat(back.get("text")).isEqualTo("📦 <b>Tekrar stokta</b>\nKahve\nŞimdi <b>450.00 TRY</b>");
    }
}
