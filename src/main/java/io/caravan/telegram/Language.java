package io.caravan.telegram;

import java.util.Locale;

/** The languages the bot answers in; stored in {@code subscribers.language} so later deal messages match. */
public enum Language {
    EN, TR;

    /** Turkish for any {@code tr} variant Telegram reports (tr, tr-TR), English for everything else or nothing. */
    public static Language of(String languageCode) {
        if (languageCode != null && languageCode.toLowerCase(Locale.ROOT).startsWith("tr")) {
            return TR;
        }
        return EN;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
