package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The creators: endpoint's share of the daily budget: reserved in blocks, handed out one by one, given back when idle. */
class CreatorsPermitsTest {

    /** A day's budget in memory, counting the statements a real AmazonQuota would make. */
    static final class Budget implements Quota {
        int left;
        int used;
        int reservations;

        Budget(int left) {
            this.left = left;
        }

        @Override
        public void acquire(String operation) {
            throw new UnsupportedOperationException("the endpoint reserves");
        }

        @Override
        public void throttled(Duration retryAfter) {
        }

        @Override
        public Block reserve(int requests) {
            reservations++;
            int granted = Math.min(requests, left);
            left -= granted;
            used += granted;
            return new Block(LocalDate.now(ZoneOffset.UTC), granted);
        }

        @Override
        public void giveBack(Block block, int unused) {
            left += unused;
            used -= unused;
        }
    }

    @Test
    void oneReservationServesABlockAndWhatIsLeftGoesBackWhenIdle() {
        Budget budget = new Budget(100);
        CreatorsPermits permits = new CreatorsPermits(budget);

        permits.take(5);
        permits.take(5);
        permits.take(5);
        assertThat(budget.reservations).as("one statement for the block").isEqualTo(1);
        assertThat(budget.used).isEqualTo(5);
        permits.sent();
        permits.sent();
        assertThat(permits.held()).as("a call still in flight keeps the block").isEqualTo(2);
        permits.sent();

        assertThat(permits.held()).isZero();
        assertThat(budget.used).as("exactly the three calls sent").isEqualTo(3);
    }

    @Test
    void aCallThatNeverWentOutCountsForNothing() {
        Budget budget = new Budget(100);
        CreatorsPermits permits = new CreatorsPermits(budget);

        permits.take(1);
        permits.unsent();

        assertThat(budget.used).isZero();
    }

    @Test
    void aSpentBudgetRefusesBeforeAnythingIsSent() {
        Budget budget = new Budget(1);
        CreatorsPermits permits = new CreatorsPermits(budget);

        permits.take(10);
        assertThatThrownBy(() -> permits.take(10)).isInstanceOf(QuotaExhaustedException.class)
                .hasMessageContaining("requests-per-day");
        permits.sent();

        assertThat(budget.used).isEqualTo(1);
        assertThat(budget.left).isZero();
    }
}
