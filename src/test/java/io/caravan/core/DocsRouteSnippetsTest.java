package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private static final Set<String> ROUTE_KEYS = Set.of("route", "templatedRoute", "routeTemplate", "routeConfiguration", "from", "rest");
    private static final List<Path> RUN_AS_WRITTEN = List.of(Path.of("src/test/resources/example-routes"),
            Path.of("src/test/resources/metabase-routes"), Path.of("src/main/resources/routes"));

    @Test
    void everyRouteInTheDocsIsAFileRunByATest() throws IOException {
        Map<Path, List<?>> files = new java.util.TreeMap<>();
        for (Path dir : RUN_AS_WRITTEN) {
            try (Stream<Path> list = Files.walk(dir)) {
                for (Path file : list.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    files.put(file, new Yaml().load(Files.readString(file)));
                }
            }
        }
        List<String> snippets = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            for (Path page : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                for (String[] block : blocks(Files.readString(page))) {
                    if (!block[0].equals("yaml") && !block[0].equals("yml")) {
                        continue;
                    }
                    Object yaml = new Yaml().load(block[1]);
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

    /** A Mustache template shown in docs/ is, to the character, a template next to the example routes. */
    @Test
    void everyTemplateInTheDocsIsATemplateFileOfTheExamples() throws IOException {
        List<String> templates = new ArrayList<>();
        try (Stream<Path> list = Files.list(RUN_AS_WRITTEN.get(0))) {
            for (Path file : list.filter(p -> p.toString().endsWith(".mustache")).toList()) {
                templates.add(Files.readString(file));
            }
        }
        List<String> shown = new ArrayList<>();
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            for (Path page : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                for (String[] block : blocks(Files.readString(page))) {
                    if (block[0].isEmpty() && (block[1].contains("{{body") || block[1].contains("{{#body}}"))) {
                        shown.add(page + ": " + block[1].lines().findFirst().orElse(""));
                        assertThat(templates).as(page + " shows a template no example file holds:\n" + block[1]).contains(block[1]);
                    }
                }
            }
        }
        assertThat(shown).as("templates shown in docs/").hasSizeGreaterThanOrEqualTo(2);
    }

    /** The fenced blocks of a Markdown page: {language after the fence, content with its final newline}. */
    static List<String[]> blocks(String markdown) {
        List<String[]> blocks = new ArrayList<>();
        String language = null;
        StringBuilder content = new StringBuilder();
        for (String line : markdown.split("\n", -1)) {
            if (language == null && line.startsWith("```")) {
                language = line.substring(3).trim();
                content.setLength(0);
            } else if (language != null && line.equals("```")) {
                blocks.add(new String[] {language, content.toString()});
                language = null;
            } else if (language != null) {
                content.append(line).append('\n');
            }
        }
        return blocks;
    }
}
