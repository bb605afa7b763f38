package io.caravan.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.support.EmbeddedServices.Mode;
import io.caravan.support.EmbeddedServices.PgAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When the embedded services are used, and the small parsers that decision rests on. */
class EmbeddedServicesTest {

    @Test
    void autoUsesEmbeddedOnlyWhereNothingIsConfiguredAndNothingAnswers() {
        assertThat(EmbeddedServices.useEmbedded(Mode.AUTO, false, () -> false)).isTrue();
        assertThat(EmbeddedServices.useEmbedded(Mode.AUTO, false, () -> true)).as("a running service wins").isFalse();
        assertThat(EmbeddedServices.useEmbedded(Mode.AUTO, true, () -> false)).as("an explicit setting wins").isFalse();
        assertThat(EmbeddedServices.useEmbedded(Mode.ALWAYS, true, () -> true)).isTrue();
        assertThat(EmbeddedServices.useEmbedded(Mode.NEVER, false, () -> false)).isFalse();
    }

    @Test
    void theAddressIsProbedOnlyWhenItDecides() {
        AtomicInteger probes = new AtomicInteger();
        EmbeddedServices.useEmbedded(Mode.AUTO, true, () -> probes.incrementAndGet() > 0);
        EmbeddedServices.useEmbedded(Mode.ALWAYS, false, () -> probes.incrementAndGet() > 0);
        assertThat(probes).hasValue(0);
    }

    @Test
    void modeIsAutoAlwaysOrNeverAndAnythingElseNamesTheSetting() {
        assertThat(Mode.parse(null, "caravan.embedded")).isEqualTo(Mode.AUTO);
        assertThat(Mode.parse(" ", "caravan.embedded")).isEqualTo(Mode.AUTO);
        assertThat(Mode.parse("Always", "caravan.embedded")).isEqualTo(Mode.ALWAYS);
        assertThat(Mode.parse("never", "CARAVAN_EMBEDDED")).isEqualTo(Mode.NEVER);
        assertThatThrownBy(() -> Mode.parse("yes", "CARAVAN_EMBEDDED"))
                .hasMessage("CARAVAN_EMBEDDED=yes: expected auto, always or never");
    }

    @Test
    void aPortWhereNothingListensDoesNotAnswerAndAListeningOneDoes() throws Exception {
        int free = EmbeddedServices.freePort();
        assertThat(EmbeddedServices.answers("127.0.0.1", free)).isFalse();
        try (ServerSocket listening = new ServerSocket(0)) {
            assertThat(EmbeddedServices.answers("127.0.0.1", listening.getLocalPort())).isTrue();
        }
    }

    @Test
    void jdbcUrlsGiveHostPortAndDatabase() {
        assertThat(PgAddress.of("jdbc:postgresql://127.0.0.1:5499/test?currentSchema=caravan"))
                .isEqualTo(new PgAddress("127.0.0.1", 5499, "test"));
        assertThat(PgAddress.of("jdbc:postgresql://db.internal/caravan")).isEqualTo(new PgAddress("db.internal", 5432, "caravan"));
        assertThatThrownBy(() -> PgAddress.of("jdbc:mysql://x/y")).hasMessageContaining("not a jdbc:postgresql://");
    }
}
