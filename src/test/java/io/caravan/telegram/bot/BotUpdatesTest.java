package io.caravan.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The branch the bot route's choice takes and the metric's type label, as plain functions of the update. */
class BotUpdatesTest {

    private static BotUpdate text(String text, boolean privateChat) {
        return new BotUpdate(1, 42L, privateChat, "en", "ada", "Ada", text, null, null, null);
    }

    private static BotUpdate button(String data) {
        return new BotUpdate(2, 42L, true, "en", "ada", "Ada", null, "cb-2", data, 7L);
    }

    @Test
    void commandsTakeTheirOwnBranchAndOtherUpdatesTheirKind() {
        assertThat(BotUpdates.branch(text("/subscribe books 30", true), "active")).isEqualTo("subscribe");
        assertThat(BotUpdates.branch(text("/Track@CaravanDealsBot B0CHWRXH8B", true), "active")).isEqualTo("track");
        assertThat(BotUpdates.branch(text("/deals", true), "active")).isEqualTo("unknown");
        assertThat(BotUpdates.branch(text("hello", true), "active")).isEqualTo("text");
        assertThat(BotUpdates.branch(text(null, true), "active")).as("a sticker").isEqualTo("text");
        assertThat(BotUpdates.branch(button("sub:3"), "active")).isEqualTo("callback");
        assertThat(BotUpdates.branch(text("/start", false), null)).as("a group").isEqualTo("ignored");
        assertThat(BotUpdates.branch(new BotUpdate(3, null, false, null, null, null, "/start", null, null, null), null))
                .isEqualTo("ignored");
    }

    @Test
    void aStoppedSubscriberOnlyGetsStartHelpStopAndTheAnswerToText() {
        assertThat(BotUpdates.branch(text("/start", true), "stopped")).isEqualTo("start");
        assertThat(BotUpdates.branch(text("/help", true), "stopped")).isEqualTo("help");
        assertThat(BotUpdates.branch(text("/stop", true), "stopped")).isEqualTo("stop");
        assertThat(BotUpdates.branch(text("/list", true), "stopped")).isEqualTo("stopped");
        assertThat(BotUpdates.branch(text("/deals", true), "stopped")).as("unknown commands too").isEqualTo("stopped");
        assertThat(BotUpdates.branch(button("sub:3"), "stopped")).isEqualTo("stopped");
        assertThat(BotUpdates.branch(text("hello", true), "stopped")).as("text is answered as before").isEqualTo("text");
    }

    @Test
    void theMetricTypeNamesKnownCommandsOnly() {
        assertThat(BotUpdates.type(text("/subscribe books", false))).isEqualTo("subscribe");
        assertThat(BotUpdates.type(text("/deals", true))).isEqualTo("unknown");
        assertThat(BotUpdates.type(text("hello", true))).isEqualTo("text");
        assertThat(BotUpdates.type(text(null, true))).isEqualTo("other");
        assertThat(BotUpdates.type(button("junk"))).isEqualTo("callback");
    }
}
