package io.caravan.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One route file at a time on a running Camel: a change touches only that file's routes, a failed load keeps the
 * previous version running and says file, line and message, whatever the cause (issue 19's "names its file").
 */
class RouteFilesTest {

    @TempDir
    Path dir;
    CamelContext camel;
    RouteFiles files;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:built-in").routeId("built-in").log("built-in");
            }
        });
        camel.start();
        files = new RouteFiles(camel, dir, new QuartzTriggers());
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private Path write(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private static String route(String id, String from, String step) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "%s"
                      steps:
                        - %s
                """.formatted(id, from, step);
    }

    @Test
    void aChangedFileReplacesOnlyItsOwnRoutes() throws Exception {
        write("a.yaml", route("a-one", "direct:a", "log: a"));
        write("b.yaml", route("b-one", "direct:b", "log: b"));
        files.loadAll();
        long bUptime = camel.getRoute("b-one").getUptimeMillis();

        Path a = write("a.yaml", route("a-two", "direct:a2", "log: a2"));
        assertThat(files.load(a)).isNull();
        assertThat(camel.getRoute("a-one")).as("the file's old route").isNull();
        assertThat(camel.getRouteController().getRouteStatus("a-two")).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getRoute("b-one").getUptimeMillis()).as("the other file's route was not restarted").isGreaterThanOrEqualTo(bUptime);
        assertThat(camel.getRouteController().getRouteStatus("built-in")).isEqualTo(ServiceStatus.Started);

        files.remove("a.yaml");
        assertThat(camel.getRoute("a-two")).isNull();
        assertThat(camel.getRoute("b-one")).isNotNull();
        assertThat(files.all()).extracting(RouteFile::file).contains("b.yaml").doesNotContain("a.yaml");
    }

    @Test
    void everyKindOfFailureKeepsThePreviousVersionAndNamesFileAndLine() throws Exception {
        Path c = write("c.yaml", route("c-one", "direct:c", "log: c"));
        write("other.yaml", route("other", "direct:other", "log: other"));
        files.loadAll();

        assertFailure(c, "- route:\n    id: c-one\n    from:\n      uri: direct:c\n      steps:\n        - log: c\n       - bad indent\n",
                "c.yaml", 7, null);
        assertFailure(c, route("c-one", "direct:c", "to: \"nosuchscheme:foo\""), "c.yaml", 6, "nosuchscheme");
        assertFailure(c, route("c-one", "timer:c?nosuchoption=1", "log: c"), "c.yaml", null, "nosuchoption");
        assertFailure(c, route("other", "direct:c-elsewhere", "log: c"), "c.yaml", 1, "duplicate route id 'other'");
        assertFailure(c, route("built-in", "direct:c-elsewhere", "log: c"), "c.yaml", 1, "duplicate route id 'built-in'");
        assertFailure(c, """
                - routeTemplate:
                    id: greet
                    parameters:
                      - name: who
                    from:
                      uri: "direct:{{who}}"
                      steps:
                        - log: hi
                - templatedRoute:
                    routeTemplateRef: greet
                    routeId: greet-nobody
                """, "c.yaml", null, "who");

        assertThat(camel.getRouteController().getRouteStatus("other")).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getRoute("other").getEndpoint().getEndpointUri()).isEqualTo("direct://other");

        Path fixed = write("c.yaml", route("c-fixed", "direct:c", "log: fixed"));
        assertThat(files.load(fixed)).isNull();
        assertThat(camel.getRoute("c-one")).isNull();
        assertThat(camel.getRouteController().getRouteStatus("c-fixed")).isEqualTo(ServiceStatus.Started);
        assertThat(files.failures()).isEmpty();
    }

    private void assertFailure(Path file, String yaml, String name, Integer line, String says) throws Exception {
        Files.writeString(file, yaml);
        RouteFile.LoadError error = files.load(file);
        assertThat(error).as("loading %s", yaml).isNotNull();
        assertThat(error.file()).isEqualTo(name);
        if (line != null) {
            assertThat(error.line()).as(error.describe()).isEqualTo(line);
        }
        if (says != null) {
            assertThat(error.message()).contains(says);
        }
        assertThat(camel.getRouteController().getRouteStatus("c-one")).as("the previous version after: " + error.describe())
                .isEqualTo(ServiceStatus.Started);
        assertThat(files.failures()).extracting(RouteFile.LoadError::file).containsExactly(name);
        assertThat(files.all()).filteredOn(f -> f.file().equals(name)).singleElement()
                .satisfies(f -> assertThat(f.status()).isEqualTo(RouteFile.FAILED))
                .satisfies(f -> assertThat(f.routes()).extracting(RouteFile.Route::id).containsExactly("c-one"));
    }

    @Test
    void atStartUpAFileThatCannotBeCreatedStopsItNamingTheFile() throws Exception {
        write("bad-scheme.yaml", route("sec-bad-scheme", "direct:x", "to: \"nosuchscheme:foo\""));
        assertThatThrownBy(files::loadAll).hasMessageContaining("bad-scheme.yaml line 6:").hasMessageContaining("nosuchscheme");
    }
}
