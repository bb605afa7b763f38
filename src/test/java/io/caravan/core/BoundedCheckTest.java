package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A probe never waits longer than its budget, and probes behind a hanging check share it instead of queuing. */
class BoundedCheckTest {

    @Test
    void aHangingCheckIsSharedAndNotWaitedForTwice() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        try (BoundedCheck<String> check = new BoundedCheck<>("test-check", () -> {
            started.incrementAndGet();
            answer.await();
            return "up";
        })) {
            long first = System.nanoTime();
            assertThatThrownBy(() -> check.await(Duration.ofMillis(300))).isInstanceOf(TimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - first)).isBetween(Duration.ofMillis(250), Duration.ofMillis(1500));

            long second = System.nanoTime();
            assertThatThrownBy(() -> check.await(Duration.ofMillis(300))).as("the check already outlasted a probe")
                    .isInstanceOf(TimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - second)).isLessThan(Duration.ofMillis(150));
            assertThat(started).as("one check in flight, not one per probe").hasValue(1);

            answer.countDown();
            assertThat(check.await(Duration.ofSeconds(2))).as("the check's answer, once it came").isEqualTo("up");
            int checks = started.get();
            assertThat(check.await(Duration.ofSeconds(2))).isEqualTo("up");
            assertThat(started).as("a finished check is run anew for the next probe").hasValue(checks + 1);
        }
    }

    @Test
    void aFailingCheckSaysWhy() {
        try (BoundedCheck<String> check = new BoundedCheck<>("test-check", () -> {
            throw new IllegalStateException("no route to host");
        })) {
            assertThatThrownBy(() -> check.await(Duration.ofSeconds(2))).isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("no route to host");
        }
    }
}
