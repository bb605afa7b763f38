package io.caravan.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanguageTest {

    @Test
    void turkishForAnyTurkishCodeEnglishOtherwise() {
        assertThat(Language.of("tr")).isEqualTo(Language.TR);
        assertThat(Language.of("tr-TR")).isEqualTo(Language.TR);
        assertThat(Language.of("TR")).isEqualTo(Language.TR);
        assertThat(Language.of("en")).isEqualTo(Language.EN);
        assertThat(Language.of("de")).isEqualTo(Language.EN);
        assertThat(Language.of("ru")).isEqualTo(Language.EN);
        assertThat(Language.of("")).isEqualTo(Language.EN);
        assertThat(Language.of(null)).isEqualTo(Language.EN);
    }

    @Test
    void storedAsLowerCaseCode() {
        assertThat(Language.TR.code()).isEqualTo("tr");
        assertThat(Language.EN.code()).isEqualTo("en");
    }

    @Test
    void everyMessageFormatsInBothLanguages() {
        for (Messages.Key key : Messages.Key.values()) {
            assertThat(Messages.text(Language.EN, key, "a", "b", "c")).isNotBlank();
            assertThat(Messages.text(Language.TR, key, "a", "b", "c")).isNotBlank();
        }
        assertThat(Messages.text(Language.TR, Messages.Key.SUBSCRIBED, "Elektronik", "30"))
                .isEqualTo("Elektronik kategorisine abone oldun: %30 ve üzeri indirimli fırsatlar.");
    }
}
