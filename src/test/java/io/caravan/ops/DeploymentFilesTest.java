package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so the deployment files are checked by reading them: the compose file parses and
 * wires what the README promises, and every file or directory they copy or mount exists in the repository.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    @SuppressWarnings("unchecked")
    void composeStartsTheWholeStackWithHealthChecksAndNamedVolumes() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker/compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsOnlyKeys("hub", "postgres", "redis", "prometheus", "alertmanager", "grafana");
        services.forEach((name, service) -> assertThat(service).as(name + " healthcheck").containsKey("healthcheck"));
        assertThat(services.get("postgres").get("image").toString()).contains("postgis");

        Map<String, Object> hubEnvironment = (Map<String, Object>) services.get("hub").get("environment");
        assertThat(hubEnvironment).containsKeys("CARAVAN_ADMIN_TOKEN", "PGHOST", "REDIS_HOST");
        assertThat(services.get("hub").get("ports").toString()).as("no fixed host port, so --scale works")
                .doesNotContain(":");

        Map<String, Object> volumes = (Map<String, Object>) compose.get("volumes");
        for (Map<String, Object> service : services.values()) {
            for (Object mount : (List<Object>) service.getOrDefault("volumes", List.of())) {
                String source = mount.toString().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(ROOT.resolve("docker").resolve(source).normalize()).as(mount.toString()).exists();
                } else {
                    assertThat(volumes).as("named volume " + source).containsKey(source);
                }
            }
        }
    }

    @Test
    void dockerfileBuildsALayeredJarAndRunsItAsNonRoot() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        assertThat(dockerfile).contains("AS build").contains("AS runtime").contains("--layers").contains("USER caravan");
        Matcher copies = Pattern.compile("(?m)^COPY (?!--from)(.+)$").matcher(dockerfile);
        int checked = 0;
        while (copies.find()) {
            List<String> words = List.of(copies.group(1).trim().split("\\s+"));
            for (String source : words.subList(0, words.size() - 1)) { // the last word is the destination
                assertThat(ROOT.resolve(source)).as("COPY source " + source).exists();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
        assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<artifactId>caravan</artifactId>")
                .contains("<layers><enabled>true</enabled></layers>");
    }
}
