package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/endpoints/&lt;scheme&gt;.md against the descriptors the build generates from the code: every option and header in
 * the code is in the page's table, with its default, and the page documents none the code lacks.
 */
public class EndpointDocsTest {

    /** Options every Camel endpoint inherits; Camel's own pages document them, ours need not. */
    static final Set<String> INHERITED = Set.of("bridgeErrorHandler", "exceptionHandler", "exchangePattern", "lazyStartProducer");
    private static final Pattern NAME = Pattern.compile("`([A-Za-z][A-Za-z0-9.]*)`");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyEndpointPageListsExactlyTheOptionsAndHeadersOfTheCode() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> d : RouteEndpointsCatalogTest.DESCRIPTORS.entrySet()) {
            String scheme = d.getKey();
            JsonNode descriptor = json.readTree(RouteEndpointsCatalogTest.descriptor(d.getValue()));
            Path page = Path.of("docs/endpoints/" + scheme + ".md");
            if (!Files.exists(page)) {
                problems.add(page + " is missing");
                continue;
            }
            String text = Files.readString(page);
            Map<String, String> options = table(text, "option");
            Map<String, String> headers = table(text, "header");

            Set<String> codeOptions = new TreeSet<>();
            descriptor.path("properties").properties().forEach(p -> {
                if (!INHERITED.contains(p.getKey())) {
                    codeOptions.add(p.getKey());
                    JsonNode defaultValue = p.getValue().get("defaultValue");
                    String row = options.get(p.getKey());
                    if (row != null && defaultValue != null && !row.contains("`" + defaultValue.asText() + "`")) {
                        problems.add(page + ": option " + p.getKey() + " defaults to " + defaultValue.asText() + " in the code");
                    }
                }
            });
            Set<String> codeHeaders = new TreeSet<>();
            descriptor.path("headers").fieldNames().forEachRemaining(codeHeaders::add);

            compare(problems, page, "option", codeOptions, options.keySet());
            compare(problems, page, "header", codeHeaders, headers.keySet());
        }
        assertThat(problems).as("docs/endpoints against the generated descriptors").isEmpty();
    }

    private static void compare(List<String> problems, Path page, String what, Set<String> code, Set<String> docs) {
        for (String name : code) {
            if (!docs.contains(name)) {
                problems.add(page + ": " + what + " " + name + " is in the code but not in the page's " + what + " table");
            }
        }
        for (String name : docs) {
            if (!code.contains(name)) {
                problems.add(page + ": " + what + " " + name + " is in the page's " + what + " table but not in the code");
            }
        }
    }

    /** The rows of the Markdown table whose first column is titled {@code first}: each backticked name → its row. */
    public static Map<String, String> table(String markdown, String first) {
        Map<String, String> rows = new LinkedHashMap<>();
        boolean in = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("| " + first + " |")) {
                in = true;
                continue;
            }
            if (in && !line.startsWith("|")) {
                in = false;
            }
            if (in && !line.startsWith("|---")) {
                String cell = line.split("\\|")[1];
                Matcher m = NAME.matcher(cell);
                while (m.find()) {
                    rows.put(m.group(1), line);
                }
            }
        }
        return rows;
    }
}
