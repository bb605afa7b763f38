package io.caravan.metabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cursor's values: what a run sends, how the mark moves, and which settings stop startup naming the card. */
class CardCursorTest {

    @Test
    void theValueSentIsTheMarkLessTheOverlapOrTheStart() {
        CardCursor datetime = new CardCursor("since", "Ordered_At", CardCursor.Type.DATETIME, "2026-01-01T00:00:00", "6 hours");
        assertThat(datetime.column()).isEqualTo("ordered_at");
        assertThat(datetime.from(null)).isEqualTo("2026-01-01T00:00:00");
        assertThat(datetime.from("2026-01-10T03:00:00")).isEqualTo("2026-01-09T21:00");
        assertThat(datetime.from("2026-01-10T03:00:00Z")).as("a timestamptz mark stays in UTC").isEqualTo("2026-01-09T21:00:00Z");
        CardCursor date = new CardCursor("day", "order_day", CardCursor.Type.DATE, null, "1d");
        assertThat(date.from(null)).as("no start: nothing is sent").isNull();
        assertThat(date.from("2026-03-01")).isEqualTo("2026-02-28");
        CardCursor number = new CardCursor("after", "order_id", CardCursor.Type.NUMBER, "0", "100");
        assertThat(number.from("12345")).isEqualTo("12245");
        assertThat(number.parameterJson("12245")).isEqualTo(
                "{\"type\":\"number\",\"target\":[\"variable\",[\"template-tag\",\"after\"]],\"value\":12245}");
    }

    @Test
    void theMarkNeverMovesBack() {
        CardCursor cursor = new CardCursor("since", "ordered_at", CardCursor.Type.DATETIME, null, null);
        assertThat(cursor.later("2026-01-10T09:00:00", "2026-01-09T09:00:00.5")).isEqualTo("2026-01-10T09:00:00");
        assertThat(cursor.later(null, "2026-01-09T09:00:00")).isEqualTo("2026-01-09T09:00:00");
        assertThat(cursor.later("2026-01-09T09:00:00", null)).isEqualTo("2026-01-09T09:00:00");
        CardCursor number = new CardCursor("after", "id", CardCursor.Type.NUMBER, null, null);
        assertThat(number.later("9", "10")).as("numbers compare as numbers, not text").isEqualTo("10");
    }

    @Test
    void theCardsOwnParameterForTheTagIsReplacedAndTheOthersKept() throws Exception {
        MetabaseProperties.Card card = card(MetabaseProperties.Mode.UPSERT, new CardCursor("since", "ordered_at",
                CardCursor.Type.DATE, null, null), "[{\"type\":\"category\",\"target\":[\"variable\",[\"template-tag\",\"city\"]],\"value\":\"Tehran\"},"
                + "{\"type\":\"date/single\",\"target\":[\"variable\",[\"template-tag\",\"since\"]],\"value\":\"2020-01-01\"}]");
        assertThat(CardCursors.parameters(card, "2026-01-31")).isEqualTo("[{\"type\":\"category\",\"target\":[\"variable\","
                + "[\"template-tag\",\"city\"]],\"value\":\"Tehran\"},{\"type\":\"date/single\",\"target\":[\"variable\","
                + "[\"template-tag\",\"since\"]],\"value\":\"2026-01-31\"}]");
    }

    @Test
    void badCursorSettingsStopStartupNamingTheCard() {
        assertThatThrownBy(() -> new CardCursor("since", "ordered_at", CardCursor.Type.DATE, "31/01/2026", null))
                .hasMessageContaining("cursor.start '31/01/2026' is not a date");
        assertThatThrownBy(() -> new CardCursor("since", "ordered_at", CardCursor.Type.DATETIME, null, "a while"))
                .hasMessageContaining("cursor.overlap 'a while' is not a duration");
        CardCursor cursor = new CardCursor("since", "ordered_at", CardCursor.Type.DATETIME, null, "1 day");
        assertThatThrownBy(() -> settings(card(MetabaseProperties.Mode.REPLACE, cursor, null)))
                .hasMessageContaining("caravan.metabase.cards[0] (orders): a cursor loads only the new rows, so mode must be append or upsert");
        assertThatThrownBy(() -> settings(card(MetabaseProperties.Mode.APPEND, cursor, null)))
                .hasMessageContaining("cursor.overlap re-reads rows already loaded, so it needs mode upsert");
    }

    private static MetabaseProperties settings(MetabaseProperties.Card card) {
        return new MetabaseProperties(URI.create("http://metabase.invalid"), "mb_key", null, null, 2, Duration.ofSeconds(2),
                Duration.ofSeconds(5), 1, Duration.ofMillis(10), 5, Duration.ofMinutes(1), 1_048_575, List.of(card));
    }

    private static MetabaseProperties.Card card(MetabaseProperties.Mode mode, CardCursor cursor, String parameters) {
        return new MetabaseProperties.Card("orders", 42, "metabase", null, mode, List.of("order_id"), "0 0 9 * * ?", "Asia/Tehran",
                parameters, null, null, new MetabaseProperties.Invalidate(null, null, null), null, MetabaseProperties.Drift.FAIL,
                false, Duration.ofHours(26), true, null, cursor, null);
    }
}
