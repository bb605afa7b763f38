package io.caravan.amazon.dealrecall;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.amazon.CheckPlanner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's four policies on a small fixed-seed catalogue: invariants only (the quota is never exceeded, every
 * request carries a full batch, the planner and the oracle hold the guarantees). The figures live in bench/deal-recall.
 */
class DealRecallSimTest {

    @Test
    void noPolicyExceedsTheQuotaAndThePlannedOnesHoldTheGuarantees() {
        DealRecallSim.Config config = new DealRecallSim.Config(42, 1_500, 10, 10, 2, 0.5, 300,
                new CheckPlanner.Settings(0.02, 900, 6 * 3_600, 7 * 86_400, 2 * 3_600, 30 * 86_400.0, 86_400));

        List<DealRecallSim.Result> results = DealRecallSim.run(config);

        assertThat(results).extracting(DealRecallSim.Result::policy)
                .containsExactly("round-robin", "doubling", "planner", "oracle");
        for (DealRecallSim.Result r : results) {
            assertThat(r.overQuota()).as(r.policy() + " over quota").isZero();
            assertThat(r.requests()).as(r.policy() + " requests within the days' budget").isLessThanOrEqualTo(300L * 10);
            assertThat(r.items()).as(r.policy() + " full batches").isEqualTo(r.requests() * 10);
            assertThat(r.deals()).isPositive();
            assertThat(r.caught()).isBetween(0, r.deals());
        }
        for (DealRecallSim.Result r : results.subList(2, 4)) {
            assertThat(r.guaranteeMisses()).as(r.policy() + ": tracked and channel products within max-interval").isZero();
            assertThat(r.expiryMisses()).as(r.policy() + ": deal ends seen within expiry-latency").isZero();
        }
    }
}
