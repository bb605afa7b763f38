package io.caravan.metabase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.support.TestEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Delivery-area polygons: WKT or GeoJSON columns named in {@code geometry} become PostGIS geometry with a GiST index;
 * in a database without PostGIS the sync fails saying so. The first needs PostGIS and is skipped, naming the package,
 * where it cannot be created (the embedded PostgreSQL, or a PostgreSQL without it); .ci/run installs it.
 */
class GeometryColumnsTest {

    private final WireMockServer metabase = new WireMockServer(options().dynamicPort());
    private final String schema = "mbg_" + UUID.randomUUID().toString().substring(0, 8);
    private final String database = "caravan_nogis_" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void start() {
        metabase.start();
        metabase.stubFor(get(urlPathEqualTo("/api/card/103")).willReturn(okJson("{\"result_metadata\":["
                + "{\"name\":\"area_id\",\"display_name\":\"Area ID\",\"base_type\":\"type/Integer\"},"
                + "{\"name\":\"polygon\",\"display_name\":\"Polygon\",\"base_type\":\"type/Text\"}]}")));
        metabase.stubFor(post(urlEqualTo("/api/card/103/query/csv")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/csv").withBody("""
                        Area ID,Polygon
                        1,"POLYGON((51.3 35.65, 51.325 35.65, 51.325 35.675, 51.3 35.675, 51.3 35.65))"
                        2,"{""type"":""Polygon"",""coordinates"":[[[51.4,35.7],[51.5,35.7],[51.5,35.8],[51.4,35.7]]]}"
                        3,
                        """)));
    }

    @AfterEach
    void stop() {
        metabase.stop();
        TestEnvironment.dropSchema(schema);
        new JdbcTemplate(dataSource(TestEnvironment.PG_DATABASE)).execute("DROP DATABASE IF EXISTS " + database);
    }

    @Test
    void wktAndGeoJsonBecomeGeometryWithAGistIndex() throws Exception {
        TestEnvironment.assumePostgis();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource(TestEnvironment.PG_DATABASE));

        CardLoader.Loaded loaded = load(TestEnvironment.PG_DATABASE);

        assertThat(loaded.rows()).isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT area_id || ' ' || coalesce(ST_AsText(polygon), 'null') || ' ' || coalesce(ST_SRID(polygon), 0)"
                + " FROM " + schema + ".areas ORDER BY area_id", String.class)).containsExactly(
                "1 POLYGON((51.3 35.65,51.325 35.65,51.325 35.675,51.3 35.675,51.3 35.65)) 4326",
                "2 POLYGON((51.4 35.7,51.5 35.7,51.5 35.8,51.4 35.7)) 4326",
                "3 null 0");
        assertThat(jdbc.queryForList("SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = 'areas'", String.class, schema))
                .anyMatch(definition -> definition.contains("USING gist (polygon)"));
    }

    @Test
    void withoutPostgisTheSyncFailsSayingSo() {
        new JdbcTemplate(dataSource(TestEnvironment.PG_DATABASE)).execute("CREATE DATABASE " + database);
        assertThatThrownBy(() -> load(database))
                .isInstanceOf(ExportException.class)
                .hasMessage("card areas: columns [polygon] are configured as geometry, but the PostGIS extension is not installed"
                        + " in database " + database + " (CREATE EXTENSION postgis;)");
    }

    private CardLoader.Loaded load(String db) throws Exception {
        DriverManagerDataSource dataSource = dataSource(db);
        MetabaseProperties settings = new MetabaseProperties(URI.create(metabase.baseUrl()), "mb_key", null, null, 2,
                Duration.ofSeconds(2), Duration.ofSeconds(5), 1, Duration.ofMillis(10), 5, Duration.ofMinutes(1), 1_048_575, List.of());
        MetabaseProperties.Card card = new MetabaseProperties.Card("areas", 103, schema, null, MetabaseProperties.Mode.REPLACE,
                List.of("area_id"), "0 0 9 * * ?", "Asia/Tehran", null, null, List.of("polygon"),
                new MetabaseProperties.Invalidate(null, null, null), null, MetabaseProperties.Drift.FAIL, false, Duration.ofHours(26), true, null, null, null);
        try (MetabaseClient client = new MetabaseClient(settings)) {
            return new CardLoader(dataSource, new DataSourceTransactionManager(dataSource), client, settings.rowLimit())
                    .load(card, loaded -> { });
        }
    }

    private static DriverManagerDataSource dataSource(String db) {
        return new DriverManagerDataSource("jdbc:postgresql://" + TestEnvironment.PG_HOST + ":" + TestEnvironment.PG_PORT + "/" + db,
                TestEnvironment.PG_USER, TestEnvironment.PG_PASSWORD);
    }
}
