package io.caravan.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BotCommandTest {

    @Test
    void splitsNameAndArguments() {
        assertThat(BotCommand.parse("/subscribe electronics 30")).contains(new BotCommand("subscribe", List.of("electronics", "30")));
        assertThat(BotCommand.parse("  /list  ")).contains(new BotCommand("list", List.of()));
        assertThat(BotCommand.parse("/track\tB08N5WRWNW \n 1299.90")).contains(new BotCommand("track", List.of("B08N5WRWNW", "1299.90")));
    }

    @Test
    void dropsTheBotNameSuffixAndIgnoresCase() {
        assertThat(BotCommand.parse("/start@CaravanDealsBot")).contains(new BotCommand("start", List.of()));
        assertThat(BotCommand.parse("/Subscribe@caravan_bot books")).contains(new BotCommand("subscribe", List.of("books")));
    }

    @Test
    void textThatIsNoCommandIsEmpty() {
        assertThat(BotCommand.parse("hello")).isEmpty();
        assertThat(BotCommand.parse("/")).isEmpty();
        assertThat(BotCommand.parse("/ start")).isEmpty();
        assertThat(BotCommand.parse("")).isEmpty();
        assertThat(BotCommand.parse(null)).isEmpty();
        assertThat(BotCommand.parse("/sub-scribe")).isEmpty();
    }

    @Test
    void missingArgumentsAreNull() {
        BotCommand command = BotCommand.parse("/subscribe electronics").orElseThrow();
        assertThat(command.arg(0)).isEqualTo("electronics");
        assertThat(command.arg(1)).isNull();
    }
}
