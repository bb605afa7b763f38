package io.caravan.amazon.dealrecall;

import io.caravan.amazon.CheckBudget;
import io.caravan.amazon.CheckPlanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/deal-recall}: one seeded {@link Catalogue}, four {@link Policies} at the same quota on a simulated clock
 * (a run of the amazon-prices route every simulated minute, budget per run from {@link CheckBudget#runBudget}), and
 * per policy: recall of the deals starting after the warm-up, detection and expiry latency, requests, quota overruns,
 * guarantee misses. Settings as system properties (see bench/deal-recall/run.sh).
 */
public final class DealRecallSim {

    static final long RUN = 60;
    static final int BATCH = 10;
    static final boolean DEBUG = Boolean.getBoolean("debug");

    public record Config(long seed, int products, int categories, long days, long warmupDays, double perSecond, int perDay,
                         CheckPlanner.Settings settings) {
        public static Config fromProperties() {
            return new Config(Long.getLong("seed", 20261206L), Integer.getInteger("products", 10_000),
                    Integer.getInteger("categories", 20), Long.getLong("days", 42), Long.getLong("warmup-days", 14),
                    Double.parseDouble(System.getProperty("per-second", "1")), Integer.getInteger("per-day", 1_600),
                    new CheckPlanner.Settings(Double.parseDouble(System.getProperty("noise", "0.02")), 15 * 60, 6 * 3_600,
                            Long.getLong("explore-interval", 7 * 86_400), 2 * 3_600, 30 * 86_400.0, Catalogue.COOLDOWN));
        }
    }

    /** One policy's figures; latencies in seconds. */
    public record Result(String policy, int deals, int caught, double medianLatency, double p90Latency, long requests,
                         long items, long overQuota, double medianExpiry, double p90Expiry, long guaranteeMisses,
                         long expiryMisses, Map<Catalogue.Kind, Long> checksByKind, double nanosPerItem, String recallByKind) {
        public double recall() {
            return deals == 0 ? 0 : 100.0 * caught / deals;
        }

        public double perThousand() {
            return requests == 0 ? 0 : 1000.0 * caught / requests;
        }
    }

    public static List<Result> run(Config config) {
        Catalogue catalogue = new Catalogue(config.seed(), config.products(), config.categories(), config.days());
        CheckPlanner planner = new CheckPlanner(config.settings());
        double checksPerSecond = Math.min(config.perSecond(), config.perDay() / 86_400.0) * BATCH;
        List<Policies.Policy> policies = new ArrayList<>(List.of(new Policies.RoundRobin(catalogue),
                new Policies.Doubling(catalogue, config.settings().minInterval(), config.settings().maxInterval()),
                new Policies.Planned(catalogue, planner, false, checksPerSecond),
                new Policies.Planned(catalogue, planner, true, checksPerSecond)));
        if (Boolean.getBoolean("class-oracle")) {
            policies.add(new Policies.Planned(catalogue, planner, true, true, checksPerSecond));
        }
        List<Result> results = new ArrayList<>();
        String only = System.getProperty("only", "");
        for (Policies.Policy policy : policies) {
            if (!only.isEmpty() && !policy.name().equals(only)) {
                continue; // a diagnostic run of one policy (-Donly): no comparison line
            }
            results.add(run(config, catalogue, policy));
        }
        return results;
    }

    static Result run(Config config, Catalogue catalogue, Policies.Policy policy) {
        int n = catalogue.products.size();
        long warmup = config.warmupDays() * Catalogue.DAY;
        long measuredUntil = catalogue.horizon - Catalogue.DAY;
        Map<Catalogue.Deal, Long> seen = new java.util.HashMap<>();
        List<Double> latencies = new ArrayList<>();
        List<Double> expiries = new ArrayList<>();
        int[] expiryNext = new int[n];
        long[] lastCheck = new long[n];
        Arrays.fill(lastCheck, 0);
        Map<Catalogue.Kind, Long> byKind = new EnumMap<>(Catalogue.Kind.class);
        Map<Catalogue.Kind, Long> caughtByKind = new EnumMap<>(Catalogue.Kind.class);
        Map<Catalogue.Kind, Long> measuredByKind = new EnumMap<>(Catalogue.Kind.class);
        long requests = 0;
        long items = 0;
        long over = 0;
        long usedToday = 0;
        long guaranteeMisses = 0;
        long expiryMisses = 0;
        long nanos = 0;
        CheckPlanner.Settings s = config.settings();
        // A guarantee is a due time: it is met when the check comes by the next run that has a request to spare.
        long slack = RUN + (long) Math.ceil(1 / Math.min(config.perSecond(), config.perDay() / 86_400.0));
        for (long t = 0; t < catalogue.horizon; t += RUN) {
            if (t % Catalogue.DAY == 0) {
                usedToday = 0;
            }
            int budget = CheckBudget.runBudget(usedToday, config.perDay(), t % Catalogue.DAY, RUN,
                    config.perSecond(), Integer.MAX_VALUE);
            List<Integer> claimed = policy.claim(t, budget * BATCH);
            int used = (claimed.size() + BATCH - 1) / BATCH;
            usedToday += used;
            requests += used;
            items += claimed.size();
            if (used > Math.floor(config.perSecond() * RUN) || usedToday > config.perDay()) {
                over += used;
            }
            for (int id : claimed) {
                Catalogue.Product p = catalogue.products.get(id);
                byKind.merge(p.kind, 1L, Long::sum);
                if (DEBUG && t >= warmup) {
                    measuredByKind.merge(p.kind, 1L, Long::sum);
                }
                if (t >= warmup && (p.tracked || catalogue.channel[p.category]) && t - lastCheck[id] > s.maxInterval() + slack) {
                    guaranteeMisses++;
                }
                lastCheck[id] = t;
                Catalogue.Deal deal = catalogue.dealAt(p, t);
                if (deal != null && !seen.containsKey(deal)) {
                    seen.put(deal, t);
                    if (deal.start() >= warmup && deal.start() < measuredUntil) {
                        latencies.add((double) (t - deal.start()));
                        caughtByKind.merge(p.kind, 1L, Long::sum);
                    }
                }
                while (expiryNext[id] < p.deals.size() && p.deals.get(expiryNext[id]).end() <= t) {
                    Catalogue.Deal ended = p.deals.get(expiryNext[id]++);
                    if (seen.containsKey(ended) && ended.start() >= warmup && ended.start() < measuredUntil) {
                        expiries.add((double) (t - ended.end()));
                        if (t - ended.end() > s.expiryLatency() + slack) {
                            expiryMisses++;
                        }
                    }
                }
                double price = catalogue.price(p, t);
                long start = System.nanoTime();
                policy.checked(p, t, price, deal);
                nanos += System.nanoTime() - start;
            }
            policy.runEnded(t, budget, used);
            if (DEBUG && t % (Catalogue.DAY / 8) == 0 && policy instanceof Policies.Planned planned) {
                System.out.printf("  %s day %.2f mu %.2e used today %d backlog %d%n", policy.name(), t / 86400.0, planned.mu(), usedToday,
                        planned.backlog(t + RUN));
            }
        }
        if (DEBUG) {
            long total = measuredByKind.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder line = new StringBuilder("  measured checks of " + policy.name());
            measuredByKind.forEach((k, v) -> line.append(String.format(" %s %.1f %%", k.name().toLowerCase(), 100.0 * v / total)));
            System.out.println(line);
        }
        Map<Catalogue.Kind, Long> dealsByKind = new EnumMap<>(Catalogue.Kind.class);
        catalogue.deals.stream().filter(d -> d.start() >= warmup && d.start() < measuredUntil)
                .forEach(d -> dealsByKind.merge(catalogue.products.get(d.product()).kind, 1L, Long::sum));
        StringBuilder recallByKind = new StringBuilder();
        dealsByKind.forEach((k, v) -> recallByKind.append(String.format(" %s %.1f %% of %d", k.name().toLowerCase(),
                100.0 * caughtByKind.getOrDefault(k, 0L) / v, v)));
        int deals = (int) catalogue.deals.stream().filter(d -> d.start() >= warmup && d.start() < measuredUntil).count();
        return new Result(policy.name(), deals, latencies.size(), quantile(latencies, 0.5), quantile(latencies, 0.9), requests,
                items, over, quantile(expiries, 0.5), quantile(expiries, 0.9), guaranteeMisses, expiryMisses, byKind,
                items == 0 ? 0 : (double) nanos / items, recallByKind.toString());
    }

    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    /** Runs the four policies on the model the system properties describe and prints the table (bench/deal-recall). */
    public static void report() {
        Config c = Config.fromProperties();
        System.out.printf("deal-recall model: seed %d, %d products in %d categories (%d post to a channel, 1 %% tracked), %d days"
                        + " (first %d warm-up, last 1 not measured), quota %.2f requests/s and %d/day, %d items per request%n",
                c.seed(), c.products(), c.categories(), Catalogue.CHANNELS, c.days(), c.warmupDays(), c.perSecond(), c.perDay(), BATCH);
        System.out.printf("dealDetails (start, end) shown for: lightning deals, deals of %.0f %% of deal-prone products;"
                + " oracle re-checks at the announced end: %s%n", 100 * Catalogue.TIMED_SHARE, Policies.Planned.ORACLE_DETAILS);
        System.out.printf("planner settings: noise %.0f %%, min-interval %d s, max-interval %d s, explore-interval %d s,"
                        + " expiry-latency %d s, memory half-life %.0f s%n", c.settings().noise() * 100, c.settings().minInterval(),
                c.settings().maxInterval(), c.settings().exploreInterval(), c.settings().expiryLatency(), c.settings().memory());
        List<Result> results = run(c);
        System.out.printf("%-12s %7s %6s %9s %9s %9s %8s %10s %10s %9s %8s %8s %10s %9s%n", "policy", "deals", "caught",
                "recall %", "med lat", "p90 lat", "requests", "items/req", "med expiry", "p90 expiry", "/1000 req",
                "over q", "guar miss", "exp miss");
        for (Result r : results) {
            System.out.printf("%-12s %7d %6d %9.1f %8.0fm %8.0fm %8d %10.1f %9.0fm %9.0fm %10.1f %8d %10d %9d%n", r.policy(),
                    r.deals(), r.caught(), r.recall(), r.medianLatency() / 60, r.p90Latency() / 60, r.requests(),
                    (double) r.items() / Math.max(1, r.requests()), r.medianExpiry() / 60, r.p90Expiry() / 60, r.perThousand(),
                    r.overQuota(), r.guaranteeMisses(), r.expiryMisses());
        }
        for (Result r : results) {
            long total = r.checksByKind().values().stream().mapToLong(Long::longValue).sum();
            StringBuilder line = new StringBuilder(String.format("checks of %-12s", r.policy()));
            r.checksByKind().forEach((k, v) -> line.append(String.format(" %s %.1f %%", k.name().toLowerCase(), 100.0 * v / total)));
            System.out.println(line);
            System.out.printf("recall of %-12s%s%n", r.policy(), r.recallByKind());
        }
        if (results.size() < 4) {
            return;
        }
        if (results.size() > 4) {
            Result byClass = results.get(4);
            System.out.printf("class oracle (told each product's kind, not its own rate and duration): %.1f %%, would close %.0f %% of the gap%n",
                    byClass.recall(), 100 * (byClass.recall() - results.get(0).recall()) / (results.get(3).recall() - results.get(0).recall()));
        }
        Result rr = results.get(0);
        Result planner = results.get(2);
        Result oracle = results.get(3);
        System.out.printf("planner cost: %.2f µs per item (limit 20 µs, %.0f %% of it), oracle/round-robin %.2f×%n",
                planner.nanosPerItem() / 1000, planner.nanosPerItem() / 200, oracle.recall() / rr.recall());
        double gap = oracle.recall() - rr.recall();
        double closed = gap <= 0 ? Double.NaN : 100 * (planner.recall() - rr.recall()) / gap;
        long over = results.stream().mapToLong(Result::overQuota).sum();
        System.out.printf("deal recall: planner %.1f %%, round-robin %.1f %%, oracle %.1f %% (gap closed %.0f %%), over quota %d%n",
                planner.recall(), rr.recall(), oracle.recall(), closed, over);
    }
}
