package io.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is a front door and {@code docs/} holds the reference: every relative link and {@code #anchor} in them
 * must lead somewhere, or a reader following the README lands on nothing. Anchors are made the way GitHub renders
 * headings (lower case, punctuation dropped, spaces to hyphens, {@code -1}, {@code -2} for repeats).
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final int README_MAX_LINES = 250;

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    @Test
    void everyRelativeLinkAndAnchorInTheReadmeAndDocsLeadsSomewhere() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            List<String> lines = Files.readAllLines(page);
            boolean inCode = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.stripLeading().startsWith("```")) {
                    inCode = !inCode;
                    continue;
                }
                if (inCode) {
                    continue;
                }
                Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
                while (m.find()) {
                    String problem = problem(page, m.group(1));
                    if (problem != null) {
                        broken.add(page + ":" + (i + 1) + " " + m.group(1) + " — " + problem);
                    }
                }
            }
        }
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void theReadmeStaysAFrontDoor() throws IOException {
        assertThat(Files.readAllLines(Path.of("README.md"))).as("README.md lines (reference belongs in docs/)")
                .hasSizeLessThanOrEqualTo(README_MAX_LINES);
    }

    @Test
    void anchorsAreMadeAsGithubMakesThem() {
        assertThat(slug("The bot's route: `direct:telegram-update`")).isEqualTo("the-bots-route-directtelegram-update");
        assertThat(slug("Camel's own console (Hawtio)")).isEqualTo("camels-own-console-hawtio");
        assertThat(slug("creators: (Amazon Creators API)")).isEqualTo("creators-amazon-creators-api");
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Why a link from a page does not resolve, or null when it does. */
    private String problem(Path page, String target) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null; // http:, https:, mailto: — not ours to check offline
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path dest = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(dest)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!dest.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        return anchorsOf(dest).contains(anchor) ? null : "no heading makes #" + anchor + " in " + dest.getFileName();
    }

    private Set<String> anchorsOf(Path page) {
        return anchors.computeIfAbsent(page.toAbsolutePath().normalize(), p -> {
            Set<String> found = new LinkedHashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean inCode = false;
            try {
                for (String line : Files.readAllLines(p)) {
                    if (line.stripLeading().startsWith("```")) {
                        inCode = !inCode;
                    }
                    Matcher m = HEADING.matcher(line);
                    if (!inCode && m.matches()) {
                        String s = slug(m.group(1));
                        int n = seen.merge(s, 1, Integer::sum);
                        found.add(n == 1 ? s : s + "-" + (n - 1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return found;
        });
    }

    static String slug(String heading) {
        String plain = heading.replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        plain.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                out.appendCodePoint(c);
            } else if (c == ' ') {
                out.append('-');
            }
        });
        return out.toString();
    }
}
