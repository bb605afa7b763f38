package io.caravan.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The slots two hubs take from one alert_pace row on the real PostgreSQL. What is checked is the slot each reservation
 * takes (now + the wait it returns, now bracketed by the wall clock before and after the call), not when a message
 * arrives somewhere: that adds the machine's scheduling delay, which is what AlertsIT has to allow for.
 */
class SlackPaceTest {

    private static final Duration INTERVAL = Duration.ofMillis(400);
    private final String schema = TestEnvironment.newSchema();
    private JdbcTemplate jdbc;
    private DataSourceTransactionManager transactions;

    @BeforeEach
    void table() {
        DriverManagerDataSource data = new DriverManagerDataSource(TestEnvironment.jdbcUrl(schema), TestEnvironment.PG_USER,
                TestEnvironment.PG_PASSWORD);
        jdbc = new JdbcTemplate(data);
        transactions = new DataSourceTransactionManager(data);
        jdbc.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        jdbc.execute("CREATE TABLE alert_pace (channel text PRIMARY KEY, next_at timestamptz NOT NULL DEFAULT 'epoch')");
    }

    @AfterEach
    void drop() {
        TestEnvironment.dropSchema(schema);
    }

    private SlackPace hub(Duration maxWait) {
        return new SlackPace(jdbc, transactions, new AlertsProperties.Slack("http://slack.invalid/hook", INTERVAL, maxWait));
    }

    /** A slot: the earliest and latest wall-clock millisecond it can be, from one reservation. */
    private record Slot(long earliest, long latest, Duration until) {
    }

    private static Slot reserve(SlackPace pace) {
        long before = System.currentTimeMillis();
        Duration wait = pace.reserve();
        long after = System.currentTimeMillis();
        return new Slot(before + wait.toMillis() - 1, after + wait.toMillis(), wait); // the wait is rounded up to a ms
    }

    @Test
    void twoHubsReservingAtOnceGetSlotsOneIntervalApartAndTheFirstIsNow() {
        SlackPace a = hub(Duration.ofSeconds(10));
        SlackPace b = hub(Duration.ofSeconds(10));
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            slots.add(reserve(i % 2 == 0 ? a : b));
        }
        assertThat(slots.get(0).until()).as("nothing sent yet: at once").isZero();
        for (int i = 1; i < slots.size(); i++) {
            // However slow the machine made the calls, the slots themselves keep the interval (each bracket is as
            // wide as its own call took).
            assertThat(slots.get(i).latest() - slots.get(i - 1).earliest()).as("slot %d after slot %d", i, i - 1)
                    .isGreaterThanOrEqualTo(INTERVAL.toMillis());
            assertThat(slots.get(i).until()).as("slot %d is queued behind the others", i).isPositive();
        }
        Slot first = slots.get(0);
        Slot last = slots.get(slots.size() - 1);
        assertThat(last.latest() - first.earliest()).as("7 intervals, none skipped")
                .isGreaterThanOrEqualTo(7 * INTERVAL.toMillis());
    }

    @Test
    void aSlotFurtherOffThanMaxWaitIsNotTakenSoTheQueueDoesNotGrowForNothing() {
        SlackPace patient = hub(Duration.ofSeconds(10));
        SlackPace hurried = hub(Duration.ofMillis(500));
        reserve(patient);
        reserve(patient);
        Slot third = reserve(patient); // ~800 ms off
        Slot refused = reserve(hurried); // ~1200 ms off: more than 500 ms, so retried later without a slot
        assertThat(refused.until()).isGreaterThan(Duration.ofMillis(500));
        Slot next = reserve(patient);
        assertThat(next.latest() - third.earliest()).as("the refused reservation left no gap")
                .isLessThan(INTERVAL.toMillis() + (third.latest() - third.earliest()) + (next.latest() - next.earliest()) + 1);
        assertThat(next.latest() - third.earliest()).isGreaterThanOrEqualTo(INTERVAL.toMillis());
    }
}
