package io.caravan.amazon.dealrecall;

import io.caravan.amazon.CheckPlanner;

/**
 * {@code -Ddebug}: why each check a policy made after the warm-up was due, counted by product kind, with the deals those
 * checks caught: its first check, a claim filling the last batch before it was due, a running deal, after the cooldown,
 * a guarantee (tracked or channel), explore-interval, an optimistic sample shorter than the mean's interval, or the
 * Lagrangian interval of its posterior mean. Tells where a policy spends its checks that another does not.
 */
final class CheckReasons {

    static final String[] REASONS = {"initial", "early", "deal", "cooldown", "guarantee", "explore7d", "sampled", "lagrange"};
    private static final int EARLY = 1;
    private static final int DEAL = 2;
    private static final int COOLDOWN = 3;
    private static final int GUARANTEE = 4;
    private static final int EXPLORE = 5;
    private static final int SAMPLED = 6;
    private static final int LAGRANGE = 7;
    private static final long WARMUP = Long.getLong("warmup-days", 14) * Catalogue.DAY;

    private int[] reason;
    private long[] dueAt;
    private Catalogue.Deal[] lastDeal;
    private final long[][] counts = new long[Catalogue.Kind.values().length][REASONS.length];
    private final long[][] caught = new long[Catalogue.Kind.values().length][REASONS.length];
    /** Per kind: the sum of the estimated λD of products given a Lagrangian interval, and their number. */
    private final double[][] lambdaD = new double[Catalogue.Kind.values().length][2];

    /** A check of {@code p} at {@code now}: counted under the reason its last plan gave, with the deal it saw. */
    void counted(Catalogue.Product p, long now, Catalogue.Deal deal, int products) {
        if (reason == null) {
            reason = new int[products];
            dueAt = new long[products];
            lastDeal = new Catalogue.Deal[products];
        }
        if (now >= WARMUP) {
            int r = now < dueAt[p.id] ? EARLY : reason[p.id];
            counts[p.kind.ordinal()][r]++;
            if (deal != null && deal != lastDeal[p.id] && deal.start() >= WARMUP) {
                caught[p.kind.ordinal()][r]++;
            }
        }
        if (deal != null) {
            lastDeal[p.id] = deal;
        }
    }

    /** The plan made after that check: which rule set its interval. */
    void planned(Catalogue.Product p, long now, CheckPlanner.Plan plan, double meanRate, double shape, boolean dealEnded,
                 CheckPlanner planner, double mu) {
        long interval = plan.nextCheck() - now;
        double d = plan.duration();
        long lagrange = planner.interval(plan.rate(), d, shape, mu);
        long atMean = planner.interval(meanRate, d, shape, mu);
        CheckPlanner.Settings settings = planner.settings();
        int why;
        if (plan.belief().inDeal()) {
            why = DEAL;
        } else if (interval < lagrange && !(dealEnded && interval >= settings.cooldown())) {
            why = GUARANTEE;
        } else if (dealEnded && settings.cooldown() > lagrange) {
            why = COOLDOWN;
        } else if (lagrange >= settings.exploreInterval()) {
            why = EXPLORE;
        } else if (lagrange < atMean) {
            why = SAMPLED;
        } else {
            why = LAGRANGE;
        }
        if (why == LAGRANGE && now >= WARMUP) {
            lambdaD[p.kind.ordinal()][0] += meanRate * d;
            lambdaD[p.kind.ordinal()][1]++;
        }
        reason[p.id] = why;
        dueAt[p.id] = plan.nextCheck();
    }

    void print(String policy) {
        long total = 0;
        for (long[] c : counts) {
            for (long v : c) {
                total += v;
            }
        }
        System.out.printf("REASONS %s (checks %% of all measured checks; deals caught)%n", policy);
        StringBuilder header = new StringBuilder(String.format("  %-11s", "kind"));
        for (String r : REASONS) {
            header.append(String.format(" %16s", r));
        }
        System.out.println(header);
        for (Catalogue.Kind k : Catalogue.Kind.values()) {
            StringBuilder line = new StringBuilder(String.format("  %-11s", k.name().toLowerCase()));
            for (int r = 0; r < REASONS.length; r++) {
                line.append(String.format(" %8.2f%% %6d", 100.0 * counts[k.ordinal()][r] / Math.max(1, total), caught[k.ordinal()][r]));
            }
            line.append(String.format("  lagrange mean est λD %.4f", lambdaD[k.ordinal()][0] / Math.max(1, lambdaD[k.ordinal()][1])));
            System.out.println(line);
        }
    }
}
