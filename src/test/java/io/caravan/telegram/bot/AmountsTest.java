package io.caravan.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AmountsTest {

    @Test
    void readsPricesWrittenEitherWay() {
        assertThat(Amounts.parse("1299.90")).isEqualByComparingTo("1299.90");
        assertThat(Amounts.parse("1299,90")).isEqualByComparingTo("1299.90");
        assertThat(Amounts.parse("1.299,90")).isEqualByComparingTo("1299.90");
        assertThat(Amounts.parse("1,299.90")).isEqualByComparingTo("1299.90");
        assertThat(Amounts.parse("1.299")).as("Turkish thousands").isEqualByComparingTo("1299");
        assertThat(Amounts.parse("12.5")).isEqualByComparingTo("12.5");
        assertThat(Amounts.parse("450")).isEqualByComparingTo("450");
        assertThat(Amounts.parse("-5")).isEqualByComparingTo("-5");
    }

    @Test
    void nonNumbersAreNull() {
        assertThat(Amounts.parse("cheap")).isNull();
        assertThat(Amounts.parse("12TL")).isNull();
        assertThat(Amounts.parse("1.")).isNull();
        assertThat(Amounts.parse("")).isNull();
        assertThat(Amounts.parse(null)).isNull();
    }

    @Test
    void percentWithTheSignOnEitherSide() {
        assertThat(Amounts.percent("30")).isEqualByComparingTo("30");
        assertThat(Amounts.percent("30%")).isEqualByComparingTo("30");
        assertThat(Amounts.percent("%30")).isEqualByComparingTo("30");
        assertThat(Amounts.percent("%")).isNull();
    }

    @Test
    void formatsForMessages() {
        assertThat(Amounts.percentText(new BigDecimal("25.00"))).isEqualTo("25");
        assertThat(Amounts.percentText(new BigDecimal("12.50"))).isEqualTo("12.5");
        assertThat(Amounts.priceText(new BigDecimal("1299.9"))).isEqualTo("1299.90");
    }
}
