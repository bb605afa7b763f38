package io.caravan.metabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drift rules the drift-check step applies, and the endpoints' checks of their URIs, without a hub. */
class SchemaDriftTest {

    private static CardColumns.Column column(String name, String type) {
        return new CardColumns.Column(name, name, type, false);
    }

    @Test
    void aNewTableHasNoDrift() {
        assertThat(SchemaDrift.between(Map.of(), List.of(column("id", "bigint"))).isEmpty()).isTrue();
    }

    @Test
    void addedRemovedAndRetypedColumnsAreNamed() {
        Map<String, String> existing = new LinkedHashMap<>();
        existing.put("id", "bigint");
        existing.put("old_note", "text");
        existing.put("amount", "bigint");
        SchemaDrift drift = SchemaDrift.between(existing, List.of(column("id", "bigint"), column("amount", "numeric"),
                column("rating", "numeric")));

        assertThat(drift.isEmpty()).isFalse();
        assertThat(drift.added()).extracting(CardColumns.Column::name).containsExactly("rating");
        assertThat(drift.removed()).containsExactly("old_note");
        assertThat(drift.retyped()).extracting(CardColumns.Column::name).containsExactly("amount");
        assertThat(drift.toString()).contains("added [rating numeric]", "removed [old_note]", "amount: bigint → numeric",
                "may be one renamed column");
    }

    @Test
    void theSameColumnsAreNoDrift() {
        assertThat(SchemaDrift.between(Map.of("id", "bigint"), List.of(column("id", "bigint"))).isEmpty()).isTrue();
    }

    @Test
    void badEndpointUrisFailNamingTheExpectedShape() {
        MetabaseComponent metabase = new MetabaseComponent(null, null, null);
        assertThatThrownBy(() -> new MetabaseEndpoint("metabase:card/x/export", metabase, "card/x/export"))
                .hasMessageContaining("expected metabase:card/<id>/metadata or metabase:card/<id>/export");
        assertThatThrownBy(() -> new MetabaseEndpoint("metabase:card/4/rows", metabase, "card/4/rows"))
                .hasMessageContaining("metabase:card/42/export?card=orders");
        assertThat(new MetabaseEndpoint("metabase:card/42/export", metabase, "card/42/export").getCardId()).isEqualTo(42);

        PgLoadComponent pgload = new PgLoadComponent(null, null, null, null);
        assertThatThrownBy(() -> new PgLoadEndpoint("pgload:orders", pgload, "orders"))
                .hasMessageContaining("expected pgload:<schema>.<table>");
        assertThatThrownBy(() -> new PgLoadEndpoint("pgload:a.\"b\"", pgload, "a.\"b\""))
                .hasMessageContaining("pgload: table").hasMessageContaining("not a valid identifier");
        PgLoadEndpoint endpoint = new PgLoadEndpoint("pgload:reports.orders", pgload, "reports.orders");
        assertThatThrownBy(() -> endpoint.setMode("merge")).hasMessageContaining("mode is replace, upsert or append");
    }
}
