package io.caravan.amazon.dealrecall;

import io.caravan.amazon.CheckBelief;
import io.caravan.amazon.CheckBudget;
import io.caravan.amazon.CheckPlanner;
import io.caravan.amazon.PriorFit;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/** The four ways of spending the requests the benchmark compares. */
public final class Policies {

    private Policies() {
    }

    /** Chooses the products a run checks and learns from what they showed. */
    public interface Policy {
        String name();

        /** Up to {@code items} products for this run, in claim order. */
        List<Integer> claim(long now, int items);

        /** {@code deal}: the deal running at {@code now}, null if none; what a check shows of it is {@link Catalogue#details}. */
        void checked(Catalogue.Product product, long now, double price, Catalogue.Deal deal);

        /** After a run: the requests it could make and made. */
        default void runEnded(long now, int budget, int used) {
        }
    }

    /** Every product in turn, whatever it showed. */
    public static final class RoundRobin implements Policy {
        private final int size;
        private int next;

        public RoundRobin(Catalogue catalogue) {
            this.size = catalogue.products.size();
        }

        public String name() {
            return "round-robin";
        }

        public List<Integer> claim(long now, int items) {
            List<Integer> claimed = new ArrayList<>();
            for (int i = 0; i < Math.min(items, size); i++) {
                claimed.add(next);
                next = (next + 1) % size;
            }
            return claimed;
        }

        public void checked(Catalogue.Product product, long now, double price, Catalogue.Deal deal) {
        }
    }

    /**
     * Today's rule (PriceWrite.nextInterval before the planner): any price or availability change, a price within half
     * the minimum discount of the reference, or a running deal resets the interval to min-interval; a quiet check
     * doubles it up to max-interval.
     */
    public static final class Doubling implements Policy {
        private final DueQueue due;
        private final long[] interval;
        private final double[] last;
        private final long min;
        private final long max;

        public Doubling(Catalogue catalogue, long min, long max) {
            int n = catalogue.products.size();
            this.due = new DueQueue(n);
            this.interval = new long[n];
            this.last = new double[n];
            java.util.Arrays.fill(interval, Catalogue.HOUR);
            java.util.Arrays.fill(last, Double.NaN);
            this.min = min;
            this.max = max;
        }

        public String name() {
            return "doubling";
        }

        public List<Integer> claim(long now, int items) {
            return due.claim(now, items, 10);
        }

        public void checked(Catalogue.Product p, long now, double price, Catalogue.Deal deal) {
            boolean inDeal = deal != null;
            boolean changed = Double.compare(price, last[p.id]) != 0;
            boolean near = !Double.isNaN(price) && price <= p.base * 0.9;
            last[p.id] = price;
            long next = changed || near || inDeal ? min : Math.max(min, Math.min(max, interval[p.id] * 2));
            interval[p.id] = next;
            due.set(p.id, now + next, 0);
        }
    }

    /**
     * The planner, learning ({@code oracle} false) or told each product's true rate and duration ({@code oracle} true);
     * with {@code classOnly} the oracle is told only its kind's mean rate and duration (how much of the oracle's lead
     * knowing the class alone is worth: {@code -Dclass-oracle=true}).
     */
    public static final class Planned implements Policy {
        static final long PRIORS_EVERY = 600;
        /** The oracle schedules a deal's re-check by its announced end too ({@code -Doracle-details}, default true). */
        static final boolean ORACLE_DETAILS = Boolean.parseBoolean(System.getProperty("oracle-details", "true"));
        private PriorFit fitted = new PriorFit();
        private final Catalogue catalogue;
        private final CheckPlanner planner;
        private final boolean oracle;
        private final DueQueue due;
        private final CheckBelief[] beliefs;
        private final CheckPlanner.Prior[] priors;
        private final SplittableRandom random;
        static final long PRICE_EVERY = 3_600;
        static final int SAMPLE = 2_000;
        private final double checksPerSecond;
        private double mu = 1e-3;
        private double base = 1e-3;
        private double correction = 1;
        private long priorsAt = -1;
        private long priceAt = -PRICE_EVERY;

        private final double[] rates;
        private final double[] durations;
        private final boolean classOnly;

        public Planned(Catalogue catalogue, CheckPlanner planner, boolean oracle, double checksPerSecond) {
            this(catalogue, planner, oracle, false, checksPerSecond);
        }

        public Planned(Catalogue catalogue, CheckPlanner planner, boolean oracle, boolean classOnly, double checksPerSecond) {
            this.classOnly = classOnly;
            int n = catalogue.products.size();
            this.rates = new double[n];
            this.durations = new double[n];
            double[][] sums = new double[Catalogue.Kind.values().length][3];
            for (Catalogue.Product p : catalogue.products) {
                double[] k = sums[p.kind.ordinal()];
                k[0] += p.rate; k[1] += p.duration; k[2]++;
            }
            for (Catalogue.Product p : catalogue.products) {
                double[] k = sums[p.kind.ordinal()];
                rates[p.id] = classOnly ? k[0] / k[2] : p.rate;
                durations[p.id] = classOnly ? k[1] / k[2] : p.duration;
            }
            this.checksPerSecond = checksPerSecond;
            this.catalogue = catalogue;
            this.planner = planner;
            this.oracle = oracle;
            this.due = new DueQueue(n);
            this.beliefs = new CheckBelief[n];
            java.util.Arrays.fill(beliefs, CheckBelief.NEW);
            this.priors = new CheckPlanner.Prior[catalogue.categories * CheckBelief.GROUPS];
            java.util.Arrays.fill(priors, CheckPlanner.Prior.DEFAULT);
            this.random = new SplittableRandom(catalogue.seed ^ 0x5DEECE66DL ^ Long.getLong("salt", 0));
        }

        public String name() {
            return classOnly ? "class oracle" : oracle ? "oracle" : "planner";
        }

        public double mu() {
            return mu;
        }

        public long backlog(long now) {
            return due.stillDue(now);
        }

        public List<Integer> claim(long now, int items) {
            if (!oracle && now - priorsAt >= PRIORS_EVERY) {
                refreshPriors();
                priorsAt = now;
            }
            if (now - priceAt >= PRICE_EVERY) {
                reprice();
                priceAt = now;
            }
            return due.claim(now, items, 10);
        }

        /** μ from a sample of the catalogue, as PriceRun does from a sample of products.plan_*. */
        private void reprice() {
            int n = catalogue.products.size();
            int size = Math.min(n, SAMPLE);
            List<CheckPlanner.Demand> sample = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                Catalogue.Product p = catalogue.products.get(size == n ? i : random.nextInt(n));
                boolean guaranteed = p.tracked || catalogue.channel[p.category];
                CheckBelief b = beliefs[p.id];
                sample.add(oracle ? new CheckPlanner.Demand(rates[p.id], durations[p.id], guaranteed, b.inDeal())
                        : new CheckPlanner.Demand(planner.rate(b, priors[group(p)], random),
                        CheckPlanner.duration(b, priors[group(p)]), CheckPlanner.durationShape(b, priors[group(p)]),
                        guaranteed, b.inDeal()));
            }
            base = planner.price(sample, (double) n / size, checksPerSecond);
            mu = base * correction;
        }

        public void runEnded(long now, int budget, int used) {
            long backlog = used >= budget && budget > 0 ? (due.stillDue(now + DealRecallSim.RUN) + 9) / 10 : 0;
            correction = CheckBudget.correct(correction, budget, used, backlog);
            mu = base * correction;
            if (DealRecallSim.DEBUG && now + DealRecallSim.RUN >= catalogue.horizon) {
                reasons.print(name());
                dump();
            }
        }

        /** -Ddebug: per kind, the median estimate against the truth (rate, duration, λD) and the mean interval. */
        private void dump() {
            for (Catalogue.Kind k : Catalogue.Kind.values()) {
                List<double[]> rows = new ArrayList<>();
                double[] agg = new double[9];
                for (Catalogue.Product p : catalogue.products) {
                    if (p.kind != k) {
                        continue;
                    }
                    CheckBelief b = beliefs[p.id];
                    double r = oracle ? rates[p.id] : planner.rate(b, priors[group(p)], random);
                    double d = oracle ? durations[p.id] : CheckPlanner.duration(b, priors[group(p)]);
                    agg[0] += b.deals(); agg[1] += b.exposure(); agg[2] += p.rate * b.exposure(); agg[3] += r; agg[4] += p.rate;
                    agg[5] += CheckPlanner.duration(b, priors[group(p)]); agg[6] += p.duration; agg[7] += b.dealSeconds(); agg[8] += b.dealsEnded();
                    rows.add(new double[]{r / p.rate, d / p.duration, r * d / (p.rate * p.duration),
                            planner.interval(r, d, mu), b.mover() ? 1 : 0, p.duration, d});
                }
                System.out.printf("  %s %-10s n %5d rate est/true %.2f dur est/true %.2f λD est/true %.2f interval %.1fh"
                                + " movers %.0f %% true dur %.1fh est dur %.1fh mu %.2e%n", name(), k, rows.size(), med(rows, 0),
                        med(rows, 1), med(rows, 2), med(rows, 3) / 3600, 100 * rows.stream().mapToDouble(x -> x[4]).average().orElse(0),
                        med(rows, 5) / 3600, med(rows, 6) / 3600, mu);
                // The evidence pooled over the kind: deals seen per effective exposure against the true (nominal) rates.
                System.out.printf("  evidence %s %s deals/exposure %.3e true-rate-weighted %.3e (ratio %.2f); mean est rate %.3e mean true %.3e (%.2f); mean est dur %.2fh true %.2fh; seen dur %.2fh%n",
                        name(), k, agg[0] / agg[1], agg[2] / agg[1], agg[0] / agg[2], agg[3] / rows.size(), agg[4] / rows.size(), agg[3] / agg[4],
                        agg[5] / rows.size() / 3600, agg[6] / rows.size() / 3600, agg[7] / agg[8] / 3600);
                System.out.printf("  prior: not moving %s, %.2f ends; moving %s, %.2f ends; lightning %s, %.2f ends%n",
                        mix(fitted.mix(0)), fitted.ends(0), mix(fitted.mix(1)), fitted.ends(1), mix(fitted.mix(2)), fitted.ends(2));
                System.out.printf("  %s %-10s rate est/true q10 %.2f q25 %.2f q75 %.2f q90 %.2f; λD est/true q10 %.2f q25 %.2f q75 %.2f q90 %.2f%n",
                        name(), k, q(rows, 0, .1), q(rows, 0, .25), q(rows, 0, .75), q(rows, 0, .9), q(rows, 2, .1), q(rows, 2, .25),
                        q(rows, 2, .75), q(rows, 2, .9));
            }
        }

        /** The fitted rate prior in brief: its mass below a third, around, and over three times the category mean. */
        private static String mix(double[] mix) {
            if (mix == null) {
                return "gamma";
            }
            double low = 0;
            double high = 0;
            for (int j = 0; j < mix.length; j++) {
                low += PriorFit.MULTIPLIERS[j] < 1 / 3.0 ? mix[j] : 0;
                high += PriorFit.MULTIPLIERS[j] > 3 ? mix[j] : 0;
            }
            return String.format("mass <1/3 %.2f, >3 %.2f", low, high);
        }

        private static double q(List<double[]> rows, int i, double q) {
            double[] v = rows.stream().mapToDouble(x -> x[i]).sorted().toArray();
            return v.length == 0 ? Double.NaN : v[(int) (v.length * q)];
        }

        private static double med(List<double[]> rows, int i) {
            double[] v = rows.stream().mapToDouble(x -> x[i]).sorted().toArray();
            return v.length == 0 ? Double.NaN : v[v.length / 2];
        }

        /** What the hub's PriceRun does every few minutes with one GROUP BY over products.plan_*. */
        private void refreshPriors() {
            double[][] sums = new double[catalogue.categories * CheckBelief.GROUPS][4];
            double[] all = new double[4];
            for (Catalogue.Product p : catalogue.products) {
                CheckBelief b = beliefs[p.id];
                double[] s = sums[group(p)];
                s[0] += b.deals(); s[1] += b.exposure(); s[2] += b.dealSeconds(); s[3] += b.dealsEnded();
                all[0] += b.deals(); all[1] += b.exposure(); all[2] += b.dealSeconds(); all[3] += b.dealsEnded();
            }
            CheckPlanner.Prior global = CheckPlanner.Prior.pooled(all[0], all[1], all[2], all[3], CheckPlanner.Prior.DEFAULT);
            for (int c = 0; c < priors.length; c++) {
                priors[c] = CheckPlanner.Prior.pooled(sums[c][0], sums[c][1], sums[c][2], sums[c][3], global);
            }
            PriorFit fit = new PriorFit();
            for (Catalogue.Product p : catalogue.products) {
                fit.add(beliefs[p.id].group(), beliefs[p.id], priors[group(p)]);
            }
            fitted = fit.fit();
            for (int c = 0; c < priors.length; c++) {
                priors[c] = fitted.apply(priors[c], c % CheckBelief.GROUPS);
            }
        }

        /** The prior's group: category and {@link CheckBelief#group()}. */
        private int group(Catalogue.Product p) {
            return p.category * CheckBelief.GROUPS + beliefs[p.id].group();
        }

        /** -Ddebug: why each measured check was due, by kind. */
        private final CheckReasons reasons = new CheckReasons();

        public void checked(Catalogue.Product p, long now, double price, Catalogue.Deal deal) {
            boolean inDeal = deal != null;
            boolean guaranteed = p.tracked || catalogue.channel[p.category];
            if (DealRecallSim.DEBUG) {
                reasons.counted(p, now, deal, catalogue.products.size());
            }
            CheckBelief.Timing timing = Catalogue.details(p, deal);
            CheckPlanner.Plan plan;
            if (oracle) {
                // The oracle knows rate and duration; the deal's announced end it reads as any check does.
                CheckBelief b = beliefs[p.id].observe(now, price, inDeal, ORACLE_DETAILS ? timing : CheckBelief.Timing.NONE,
                        durations[p.id], planner.settings().noise(), planner.settings().memory());
                plan = planner.schedule(b, now, rates[p.id], durations[p.id], guaranteed, beliefs[p.id].inDeal() && !inDeal, mu, random);
            } else {
                plan = planner.plan(beliefs[p.id], now, price, inDeal, timing, guaranteed, priors[group(p)], mu, random);
            }
            if (DealRecallSim.DEBUG) {
                double mean = oracle ? plan.rate() : planner.meanRate(plan.belief(), priors[group(p)]);
                double shape = oracle ? Double.POSITIVE_INFINITY : CheckPlanner.durationShape(plan.belief(), priors[group(p)]);
                reasons.planned(p, now, plan, mean, shape, beliefs[p.id].inDeal() && !inDeal, planner, mu);
            }
            beliefs[p.id] = plan.belief();
            due.set(p.id, plan.nextCheck(), plan.tier());
        }

    }
}
