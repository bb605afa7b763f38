package io.caravan.amazon.dealrecall;

import io.caravan.amazon.CheckPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Due products by tier, most due first: the claim statement's order ({@code plan_tier DESC, priority DESC,
 * next_check_at}), with the last request filled up from the next due so each carries a full batch.
 */
final class DueQueue {
    private record Entry(int product, long due, long version) {
    }

    private final List<PriorityQueue<Entry>> tiers = new ArrayList<>();
    private final long[] versions;
    private final long[] dueAt;

    DueQueue(int size) {
        for (int t = 0; t <= CheckPlanner.TIER_DEAL; t++) {
            tiers.add(new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due)));
        }
        versions = new long[size];
        dueAt = new long[size];
        for (int i = 0; i < size; i++) {
            set(i, 0, 0);
        }
    }

    void set(int product, long due, int tier) {
        versions[product]++;
        dueAt[product] = due;
        tiers.get(tier).add(new Entry(product, due, versions[product]));
    }

    private Entry peek(PriorityQueue<Entry> queue) {
        while (!queue.isEmpty() && queue.peek().version != versions[queue.peek().product]) {
            queue.poll();
        }
        return queue.peek();
    }

    /** Due products up to {@code items}, tier first; the last batch of {@code batch} filled with the soonest due. */
    List<Integer> claim(long now, int items, int batch) {
        List<Integer> claimed = new ArrayList<>();
        for (int t = tiers.size() - 1; t >= 0; t--) {
            PriorityQueue<Entry> queue = tiers.get(t);
            Entry e;
            while (claimed.size() < items && (e = peek(queue)) != null && e.due <= now) {
                claimed.add(queue.poll().product);
                versions[e.product]++; // leased: back when checked
                dueAt[e.product] = Long.MAX_VALUE;
            }
        }
        while (claimed.size() % batch != 0 && claimed.size() < items) {
            PriorityQueue<Entry> soonest = null;
            for (PriorityQueue<Entry> queue : tiers) {
                Entry e = peek(queue);
                if (e != null && (soonest == null || e.due < soonest.peek().due)) {
                    soonest = queue;
                }
            }
            if (soonest == null) {
                break;
            }
            Entry e = soonest.poll();
            claimed.add(e.product);
            versions[e.product]++;
            dueAt[e.product] = Long.MAX_VALUE;
        }
        return claimed;
    }

    long stillDue(long now) {
        long count = 0;
        for (long at : dueAt) {
            if (at <= now) {
                count++;
            }
        }
        return count;
    }
}
