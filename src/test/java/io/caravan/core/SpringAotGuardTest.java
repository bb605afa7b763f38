package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The Spring AOT guard: a start uses the build-time beans only with the settings they were made for. */
class SpringAotGuardTest {

    private static MockEnvironment allFlows() {
        return new MockEnvironment().withProperty("caravan.metabase.url", "http://metabase")
                .withProperty("caravan.amazon.client-id", "id").withProperty("caravan.telegram.token", "123:abc");
    }

    @Test
    void theSettingsFollowTheFlowsConditions() {
        assertThat(SpringAotSettings.of(allFlows())).isEqualTo("""
                flow.amazon=true
                flow.metabase=true
                flow.telegram=true
                flow.telegram-bot=true
                management.port=SAME
                profiles=
                spring.jmx.enabled=false
                telegram.mode=polling
                """);
        MockEnvironment dryRun = new MockEnvironment().withProperty("caravan.metabase.url", "  ")
                .withProperty("caravan.telegram.dry-run", "true").withProperty("caravan.telegram.mode", "webhook")
                .withProperty("management.server.port", "9090");
        dryRun.setActiveProfiles("hawtio");
        assertThat(SpringAotSettings.of(dryRun)).isEqualTo("""
                flow.amazon=false
                flow.metabase=false
                flow.telegram=true
                flow.telegram-bot=false
                management.port=DIFFERENT
                profiles=hawtio
                spring.jmx.enabled=false
                telegram.mode=-
                """);
    }

    @Test
    void theSameSettingsKeepTheBuildTimeBeans() {
        String built = "# Spring AOT: a comment\n" + SpringAotSettings.of(allFlows());
        assertThat(SpringAotGuard.mismatch(built, SpringAotSettings.of(allFlows()))).isNull();
    }

    @Test
    void otherSettingsOrAJarWithoutThemStartFromTheConfigurationClasses() {
        String built = SpringAotSettings.of(allFlows());
        MockEnvironment webhook = allFlows().withProperty("caravan.telegram.mode", "webhook");
        assertThat(SpringAotGuard.mismatch(built, SpringAotSettings.of(webhook)))
                .isEqualTo("built for telegram.mode=polling, this hub webhook");
        MockEnvironment noAmazon = allFlows().withProperty("caravan.amazon.client-id", "");
        noAmazon.setActiveProfiles("hawtio");
        assertThat(SpringAotGuard.mismatch(built, SpringAotSettings.of(noAmazon)))
                .isEqualTo("built for flow.amazon=true, this hub false, built for profiles=, this hub hawtio");
        assertThat(SpringAotGuard.mismatch(null, built)).contains("built without it");
    }

    @Test
    void eachKindOfJarAndStartGetsWhatDocsStartupSays() {
        String built = SpringAotSettings.of(allFlows());
        String other = SpringAotSettings.of(allFlows().withProperty("caravan.amazon.client-id", ""));
        assertThat(SpringAotGuard.decide(false, null, null, () -> built)).as("a jar built without -Paot").isNull();
        assertThat(SpringAotGuard.decide(true, null, null, () -> built)).as("asked for, built without -Paot")
                .isEqualTo(new SpringAotGuard.Decision(false, "this jar was built without it (./mvnw -Paot package)"));
        assertThat(SpringAotGuard.decide(false, built, null, () -> built)).as("the recorded settings")
                .isEqualTo(new SpringAotGuard.Decision(true, null));
        assertThat(SpringAotGuard.decide(true, built, null, () -> built)).isEqualTo(new SpringAotGuard.Decision(true, null));
        assertThat(SpringAotGuard.decide(false, built, null, () -> other)).as("other settings")
                .isEqualTo(new SpringAotGuard.Decision(false, "built for flow.amazon=true, this hub false"));
        assertThat(SpringAotGuard.decide(false, built, "dev.caravan.DevCaravan", () -> built)).as("dev mode, silently")
                .isEqualTo(new SpringAotGuard.Decision(false, null));
        assertThat(SpringAotGuard.decide(true, built, "dev.caravan.DevCaravan", () -> built))
                .isEqualTo(new SpringAotGuard.Decision(false, "no definitions for dev.caravan.DevCaravan"));
    }
}
