package io.caravan.telegram;

import java.util.EnumMap;
import java.util.Map;

/**
 * Everything the bot says, in English and Turkish. Plain text (no parse_mode), so user input echoed back needs
 * no escaping. Placeholders are {@link String#format} ones; a key missing in one language fails at class load,
 * not in front of a user. The DEAL_ and WATCH_ keys are the words of the deal and watch messages sent to a
 * subscriber's chat: still plain text here, because {@code DealMessages} adds the HTML around them and passes in
 * values it has escaped already.
 */
public final class Messages {

    public enum Key {
        WELCOME, HELP, CATEGORIES, CATEGORY_LINE, NO_CATEGORIES, SUBSCRIBE_USAGE, UNKNOWN_CATEGORY, BAD_PERCENT,
        SUBSCRIBED, UNSUBSCRIBE_USAGE, UNSUBSCRIBED, NOT_SUBSCRIBED, TRACK_USAGE, BAD_PRODUCT, BAD_PRICE,
        TRACKING_TARGET, TRACKING, UNTRACK_USAGE, UNTRACKED, NOT_TRACKED, LIST_EMPTY, LIST_SUBSCRIPTIONS,
        LIST_SUBSCRIPTION_LINE, LIST_WATCHES, LIST_WATCH_LINE, LIST_WATCH_TARGET_LINE, STOPPED, IS_STOPPED,
        UNKNOWN_COMMAND, NOT_A_COMMAND, FAILED, BUTTON_SUBSCRIBED, BUTTON_UNSUBSCRIBED, BUTTON_INVALID,
        DEAL_BUTTON, DEAL_EXPIRED, DEAL_PRICE_AS_OF, WATCH_TARGET_REACHED, WATCH_BACK_IN_STOCK, WATCH_NOW, WATCH_YOUR_TARGET,
        DEAL_PHOTO_BUTTON, CONTEXT_LOWEST_SINCE_TRACKING, CONTEXT_LOWEST_IN_DAYS, CONTEXT_MATCHES_LOW, CONTEXT_BELOW_MEDIAN,
        HISTORY_USAGE, HISTORY_UNTRACKED, HISTORY_NO_PRICES, HISTORY_CAPTION
    }

    private static final Map<Key, String> EN = new EnumMap<>(Key.class);
    private static final Map<Key, String> TR = new EnumMap<>(Key.class);

    static {
        en(Key.WELCOME, "Welcome! I send Amazon deals from the categories you choose and tell you when a product you track gets cheaper.");
        tr(Key.WELCOME, "Hoş geldin! Seçtiğin kategorilerdeki Amazon fırsatlarını gönderirim ve takip ettiğin ürün ucuzlayınca haber veririm.");
        en(Key.HELP, """
                Commands:
                /categories – categories you can subscribe to
                /subscribe <category> [min%%] – deals of a category, optionally only from min%% off
                /unsubscribe <category> – no more deals of a category
                /track <ASIN or Amazon link> [target price] – tell me when a product gets cheaper
                /untrack <ASIN> – stop tracking a product
                /history <ASIN or Amazon link> – a product's price chart
                /list – your subscriptions and tracked products
                /stop – no more messages (/start to come back)""");
        tr(Key.HELP, """
                Komutlar:
                /categories – abone olabileceğin kategoriler
                /subscribe <kategori> [min%%] – bir kategorinin fırsatları, istersen yalnızca min%% ve üzeri indirimler
                /unsubscribe <kategori> – bir kategorinin fırsatlarını artık gönderme
                /track <ASIN veya Amazon bağlantısı> [hedef fiyat] – ürün ucuzlayınca haber ver
                /untrack <ASIN> – ürünü takip etmeyi bırak
                /history <ASIN veya Amazon bağlantısı> – ürünün fiyat grafiği
                /list – aboneliklerin ve takip ettiğin ürünler
                /stop – artık mesaj gönderme (geri dönmek için /start)""");
        en(Key.CATEGORIES, "Categories (tap a button to subscribe or unsubscribe):");
        tr(Key.CATEGORIES, "Kategoriler (abone olmak veya aboneliği kaldırmak için düğmeye dokun):");
        en(Key.CATEGORY_LINE, "• %s – /subscribe %s");
        tr(Key.CATEGORY_LINE, "• %s – /subscribe %s");
        en(Key.NO_CATEGORIES, "There are no categories yet.");
        tr(Key.NO_CATEGORIES, "Henüz kategori yok.");
        en(Key.SUBSCRIBE_USAGE, "Usage: /subscribe <category> [min%%], e.g. /subscribe %s 30");
        tr(Key.SUBSCRIBE_USAGE, "Kullanım: /subscribe <kategori> [min%%], ör. /subscribe %s 30");
        en(Key.UNKNOWN_CATEGORY, "Unknown category \"%s\". Categories: %s");
        tr(Key.UNKNOWN_CATEGORY, "\"%s\" diye bir kategori yok. Kategoriler: %s");
        en(Key.BAD_PERCENT, "The minimum discount must be a number from 1 to 99, e.g. 30.");
        tr(Key.BAD_PERCENT, "En düşük indirim 1 ile 99 arasında bir sayı olmalı, ör. 30.");
        en(Key.SUBSCRIBED, "Subscribed to %s: deals from %s%% off.");
        tr(Key.SUBSCRIBED, "%s kategorisine abone oldun: %%%s ve üzeri indirimli fırsatlar.");
        en(Key.UNSUBSCRIBE_USAGE, "Usage: /unsubscribe <category>, e.g. /unsubscribe %s");
        tr(Key.UNSUBSCRIBE_USAGE, "Kullanım: /unsubscribe <kategori>, ör. /unsubscribe %s");
        en(Key.UNSUBSCRIBED, "Unsubscribed from %s.");
        tr(Key.UNSUBSCRIBED, "%s aboneliğin kaldırıldı.");
        en(Key.NOT_SUBSCRIBED, "You are not subscribed to %s.");
        tr(Key.NOT_SUBSCRIBED, "%s kategorisine abone değilsin.");
        en(Key.TRACK_USAGE, "Usage: /track <ASIN or Amazon link> [target price], e.g. /track B08N5WRWNW 1299.90");
        tr(Key.TRACK_USAGE, "Kullanım: /track <ASIN veya Amazon bağlantısı> [hedef fiyat], ör. /track B08N5WRWNW 1299.90");
        en(Key.BAD_PRODUCT, "\"%s\" is not an ASIN or an Amazon product link. Send a 10-character ASIN such as B08N5WRWNW or a link with /dp/<ASIN> in it.");
        tr(Key.BAD_PRODUCT, "\"%s\" bir ASIN veya Amazon ürün bağlantısı değil. B08N5WRWNW gibi 10 karakterlik bir ASIN ya da içinde /dp/<ASIN> olan bir bağlantı gönder.");
        en(Key.BAD_PRICE, "The target price must be a number above 0, e.g. 1299.90.");
        tr(Key.BAD_PRICE, "Hedef fiyat 0'dan büyük bir sayı olmalı, ör. 1299.90.");
        en(Key.TRACKING_TARGET, "Tracking %s on %s. I'll tell you when the price drops to %s or below.");
        tr(Key.TRACKING_TARGET, "%s ürününü %s üzerinde takip ediyorum. Fiyat %s veya altına düşünce haber vereceğim.");
        en(Key.TRACKING, "Tracking %s on %s. I'll tell you when it is back in stock; add a target price to hear about price drops: /track %s <price>");
        tr(Key.TRACKING, "%s ürününü %s üzerinde takip ediyorum. Yeniden stoğa girince haber vereceğim; fiyat düşüşleri için hedef fiyat ekle: /track %s <fiyat>");
        en(Key.UNTRACK_USAGE, "Usage: /untrack <ASIN>, e.g. /untrack B08N5WRWNW");
        tr(Key.UNTRACK_USAGE, "Kullanım: /untrack <ASIN>, ör. /untrack B08N5WRWNW");
        en(Key.UNTRACKED, "Stopped tracking %s.");
        tr(Key.UNTRACKED, "%s artık takip edilmiyor.");
        en(Key.NOT_TRACKED, "You are not tracking %s. /list shows what you track.");
        tr(Key.NOT_TRACKED, "%s ürününü takip etmiyorsun. Takip ettiklerini /list gösterir.");
        en(Key.LIST_EMPTY, "You have no subscriptions and track no products. Start with /categories or /track.");
        tr(Key.LIST_EMPTY, "Aboneliğin ya da takip ettiğin ürün yok. /categories veya /track ile başlayabilirsin.");
        en(Key.LIST_SUBSCRIPTIONS, "Subscriptions:");
        tr(Key.LIST_SUBSCRIPTIONS, "Abonelikler:");
        en(Key.LIST_SUBSCRIPTION_LINE, "• %s (%s), from %s%% off");
        tr(Key.LIST_SUBSCRIPTION_LINE, "• %s (%s), %%%s ve üzeri");
        en(Key.LIST_WATCHES, "Tracked products:");
        tr(Key.LIST_WATCHES, "Takip edilen ürünler:");
        en(Key.LIST_WATCH_LINE, "• %s on %s");
        tr(Key.LIST_WATCH_LINE, "• %s (%s)");
        en(Key.LIST_WATCH_TARGET_LINE, "• %s on %s, target %s");
        tr(Key.LIST_WATCH_TARGET_LINE, "• %s (%s), hedef %s");
        en(Key.STOPPED, "Stopped: you will get no more messages from me. Send /start to come back; your subscriptions and tracked products are kept.");
        tr(Key.STOPPED, "Durduruldu: artık sana mesaj göndermeyeceğim. Geri dönmek için /start gönder; aboneliklerin ve takip ettiğin ürünler saklanıyor.");
        en(Key.IS_STOPPED, "You stopped me earlier. Send /start to get messages again.");
        tr(Key.IS_STOPPED, "Beni daha önce durdurdun. Yeniden mesaj almak için /start gönder.");
        en(Key.UNKNOWN_COMMAND, "Unknown command /%s. Send /help for the list of commands.");
        tr(Key.UNKNOWN_COMMAND, "Bilinmeyen komut: /%s. Komut listesi için /help gönder.");
        en(Key.NOT_A_COMMAND, "I only understand commands. Send /help for the list.");
        tr(Key.NOT_A_COMMAND, "Yalnızca komutları anlıyorum. Liste için /help gönder.");
        en(Key.FAILED, "Sorry, something went wrong. Please try again later.");
        tr(Key.FAILED, "Üzgünüm, bir şeyler ters gitti. Lütfen daha sonra tekrar dene.");
        en(Key.BUTTON_SUBSCRIBED, "Subscribed to %s");
        tr(Key.BUTTON_SUBSCRIBED, "%s kategorisine abone oldun");
        en(Key.BUTTON_UNSUBSCRIBED, "Unsubscribed from %s");
        tr(Key.BUTTON_UNSUBSCRIBED, "%s aboneliğin kaldırıldı");
        en(Key.BUTTON_INVALID, "This button is no longer valid. Send /categories for fresh ones.");
        tr(Key.BUTTON_INVALID, "Bu düğme artık geçerli değil. Yenileri için /categories gönder.");
        en(Key.DEAL_BUTTON, "🛒 View on Amazon");
        tr(Key.DEAL_BUTTON, "🛒 Amazon'da gör");
        en(Key.DEAL_EXPIRED, "Expired");
        tr(Key.DEAL_EXPIRED, "Fırsat sona erdi");
        // Turkish puts the time in the middle ("as of 14:05" is "14:05 itibarıyla"), hence a placeholder, not a suffix.
        en(Key.DEAL_PRICE_AS_OF, "Price as of %s");
        tr(Key.DEAL_PRICE_AS_OF, "Fiyat %s itibarıyla");
        en(Key.WATCH_TARGET_REACHED, "Target price reached");
        tr(Key.WATCH_TARGET_REACHED, "Hedef fiyata ulaşıldı");
        en(Key.WATCH_BACK_IN_STOCK, "Back in stock");
        tr(Key.WATCH_BACK_IN_STOCK, "Tekrar stokta");
        en(Key.WATCH_NOW, "Now %s");
        tr(Key.WATCH_NOW, "Şimdi %s");
        en(Key.WATCH_YOUR_TARGET, "your target %s");
        tr(Key.WATCH_YOUR_TARGET, "hedef fiyatın %s");
        en(Key.DEAL_PHOTO_BUTTON, "🖼 Product photo");
        tr(Key.DEAL_PHOTO_BUTTON, "🖼 Ürün fotoğrafı");
        // The context line under a deal: only what the price history supports (io.caravan.telegram.chart.PriceContext).
        en(Key.CONTEXT_LOWEST_SINCE_TRACKING, "Lowest price since tracking began %s days ago");
        tr(Key.CONTEXT_LOWEST_SINCE_TRACKING, "%s gün önce takip başladığından beri en düşük fiyat");
        en(Key.CONTEXT_LOWEST_IN_DAYS, "Lowest price in %s days");
        tr(Key.CONTEXT_LOWEST_IN_DAYS, "Son %s günün en düşük fiyatı");
        en(Key.CONTEXT_MATCHES_LOW, "Matches the lowest price in %s days");
        tr(Key.CONTEXT_MATCHES_LOW, "Son %s günün en düşük fiyatına eşit");
        // Turkish writes the percent sign before the number.
        en(Key.CONTEXT_BELOW_MEDIAN, "−%s %% vs the 30-day median");
        tr(Key.CONTEXT_BELOW_MEDIAN, "30 günlük medyana göre −%%%s");
        en(Key.HISTORY_USAGE, "Usage: /history <ASIN or Amazon link>, e.g. /history B08N5WRWNW");
        tr(Key.HISTORY_USAGE, "Kullanım: /history <ASIN veya Amazon bağlantısı>, ör. /history B08N5WRWNW");
        en(Key.HISTORY_UNTRACKED, "I don't track %s yet, so I have no price history for it. /track %s starts tracking it.");
        tr(Key.HISTORY_UNTRACKED, "%s ürününü henüz takip etmiyorum, fiyat geçmişi yok. /track %s ile takibi başlatabilirsin.");
        en(Key.HISTORY_NO_PRICES, "%s is tracked, but I have seen only %s price(s) so far; the chart comes once there are %s.");
        tr(Key.HISTORY_NO_PRICES, "%s takip ediliyor, ancak şimdiye kadar yalnızca %s fiyat gördüm; grafik %s fiyattan sonra gelir.");
        en(Key.HISTORY_CAPTION, "%s – now %s");
        tr(Key.HISTORY_CAPTION, "%s – şimdi %s");
        for (Key key : Key.values()) {
            if (!EN.containsKey(key) || !TR.containsKey(key)) {
                throw new IllegalStateException("Bot message " + key + " is missing in " + (EN.containsKey(key) ? "tr" : "en"));
            }
        }
    }

    private Messages() {
    }

    private static void en(Key key, String text) {
        EN.put(key, text);
    }

    private static void tr(Key key, String text) {
        TR.put(key, text);
    }

    public static String text(Language language, Key key, Object... args) {
        return String.format((language == Language.TR ? TR : EN).get(key), args);
    }
}
