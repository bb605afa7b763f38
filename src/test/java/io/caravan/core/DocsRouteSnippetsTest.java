package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every YAML route in docs/ is, element for element, a route of a file a test runs as written: the examples in
 * src/test/resources/example-routes (ExampleRouteTest, ComposeRoutesTest, DigestExampleIT, DealExamplesIT), the card
 * route of src/test/resources/metabase-routes (MetabaseCardRouteTest), or a built-in route of src/main/resources/routes.
 * A snippet edited in the docs but not in its file (or the reverse) fails here.
 */
class DocsRouteSnippetsTest {

    private static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL);
    private static final Set<String> ROUTE_KEYS = Set.of("route", "templatedRoute", "routeTemplate", "routeConfiguration", "from", "rest");
    private static final List<Path> RUN_AS_WRITTEN = List.of(Path.of("src/test/resources/example-routes"),
            Path.of("src/test/resources/metabase-routes"), Path.of("src/main/resources/routes"));

    @Test
    void everyRouteInTheDocsIsAFileRunByATest() throws IOException {
        Map<Path, List<?>> files = new java.util.TreeMap<>();
        for (Path dir : RUN_AS_WRITTEN) {
            try (Stream<Path> list = Files.list(dir)) {
                for (Path file : list.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    files.put(file, new Yaml().load(Files.readString(file)));
                }
            }
        }
        List<String> snippets = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            for (Path page : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Matcher m = YAML_BLOCK.matcher(Files.readString(page));
                while (m.find()) {
                    Object yaml = new Yaml().load(m.group(1));
                    if (!(yaml instanceof List<?> elements) || elements.isEmpty()
                            || !(elements.get(0) instanceof Map<?, ?> first) || first.keySet().stream().noneMatch(ROUTE_KEYS::contains)) {
                        continue;
                    }
                    String name = page + " (" + first.values().stream().findFirst().map(v -> v instanceof Map<?, ?> r
                            ? String.valueOf(r.get(r.containsKey("id") ? "id" : "routeId")) : "?").orElse("?") + ")";
                    snippets.add(name);
                    boolean found = files.values().stream().anyMatch(file -> file.containsAll(elements));
                    if (!found) {
                        problems.add(name + ": no file in " + RUN_AS_WRITTEN + " holds this route as written");
                    }
                }
            }
        }
        assertThat(snippets).as("route snippets found in docs/").hasSizeGreaterThanOrEqualTo(8);
        assertThat(problems).isEmpty();
    }
}
