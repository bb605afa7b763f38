package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The sliding log of sends: counted by the moment each send is recorded, never more than its count per window. */
class SendLogTest {

    @Test
    void aLateSendIsLoggedWhenItLeavesSoTheNextOnesWaitForIt() {
        AtomicLong now = new AtomicLong(0);
        SendLog log = new SendLog(4, Duration.ofSeconds(1), now::get);
        List<Long> sent = new ArrayList<>();
        for (long at : new long[] {0, 250_000_000L, 500_000_000L}) {
            now.set(at);
            assertThat(log.tryRecord()).isZero();
            sent.add(at);
        }
        // Its turn was 0.75 s; it leaves at 1.10 s. Reserved slots would still hand out 1.0, 1.25, 1.5 and 1.75 s:
        // five requests in the second from 1.0 s.
        now.set(1_100_000_000L);
        assertThat(log.tryRecord()).isZero();
        sent.add(now.get());
        assertThat(log.tryRecord()).as("the next one keeps its gap from the late one, not from its turn").isEqualTo(250_000_000L);
        while (now.get() < 3_000_000_000L) {
            long wait = log.tryRecord();
            if (wait == 0) {
                sent.add(now.get());
            } else {
                now.addAndGet(wait);
            }
        }
        for (long second = 0; second < 3; second++) {
            long from = second * 1_000_000_000L;
            assertThat(sent.stream().filter(t -> t >= from && t < from + 1_000_000_000L).count())
                    .as("sends in the second from %d s: %s", second, sent).isLessThanOrEqualTo(4);
        }
        assertThat(sent.stream().filter(t -> t >= 1_000_000_000L && t < 2_000_000_000L)).containsExactly(
                1_100_000_000L, 1_350_000_000L, 1_600_000_000L, 1_850_000_000L);
    }

    @Test
    void theMarginWidensTheWindowAndHoldForKeepsEverythingBack() {
        assertThat(SendLog.window(4, 0.10)).isEqualTo(Duration.ofNanos(1_111_111_111L));
        assertThat(SendLog.window(0.5, 0.0)).isEqualTo(Duration.ofSeconds(2));
        AtomicLong now = new AtomicLong(0);
        SendLog log = SendLog.forRate(4, 0.10, 2, now::get);
        assertThat(log.window()).as("a hub's share of two").isEqualTo(Duration.ofNanos(2_222_222_222L));
        log.holdFor(3_000_000_000L);
        assertThat(log.tryRecord()).isEqualTo(3_000_000_000L);
    }

    /** Eight threads send as fast as the log lets them while as many busy-loop threads keep every core busy. */
    @Test
    void underCpuLoadNoSecondHoldsMoreThanTheCount() throws Exception {
        SendLog log = SendLog.forRate(10, 0.10, 1, System::nanoTime);
        List<Long> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService load = Executors.newFixedThreadPool(cores * 2);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < cores * 2; i++) {
                load.submit(() -> {
                    long spin = 0;
                    while (running.get()) {
                        spin += System.nanoTime() % 7;
                    }
                    return spin;
                });
            }
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            for (int i = 0; i < 8; i++) {
                senders.submit(() -> {
                    while (System.nanoTime() < end) {
                        log.await();
                        sent.add(System.nanoTime());
                    }
                    return null;
                });
            }
            senders.shutdown();
            assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            running.set(false);
            load.shutdownNow();
        }
        List<Long> times = new ArrayList<>(sent);
        Collections.sort(times);
        int max = 0;
        for (int i = 0, start = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(start) >= 1_000_000_000L) {
                start++;
            }
            max = Math.max(max, i - start + 1);
        }
        assertThat(max).as("sends in any one second").isLessThanOrEqualTo(10);
        assertThat(times.size()).as("the rate less its margin is still used").isGreaterThanOrEqualTo(20);
    }
}
