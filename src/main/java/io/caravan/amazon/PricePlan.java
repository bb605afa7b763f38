package io.caravan.amazon;

import io.caravan.deals.DealsProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hub's side of the {@link CheckPlanner}: the category priors and the price of a check μ, derived from the beliefs
 * in {@code products.plan_*} (so nothing but those columns is kept) and refreshed every {@link #REFRESH}; the
 * correction on μ a run's unspent budget makes; and the meters: {@code caravan_deal_detection_seconds} and
 * {@code caravan_amazon_quota_spent_total} per product class and category.
 */
public class PricePlan {

    static final Duration REFRESH = Duration.ofMinutes(10);
    /** Products whose evidence the prior weights are fitted on (all of a catalogue up to this size). */
    static final int FIT_ROWS = 200_000;
    /** Products whose beliefs stand for the catalogue when μ is priced. */
    static final int SAMPLE = 2_000;

    private final AmazonProperties amazon;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final MeterRegistry meters;
    private final CheckPlanner planner;
    private final DistributionSummary detection;
    private final Map<String, Counter> spent = new ConcurrentHashMap<>();
    private final SplittableRandom seeds = new SplittableRandom();
    private volatile Map<String, CheckPlanner.Prior> priors = Map.of();
    private volatile CheckPlanner.Prior global = CheckPlanner.Prior.DEFAULT;
    private volatile double base = 1e-3;
    private volatile double correction = 1;
    private volatile Instant refreshedAt = Instant.EPOCH;
    /** The last detections, for the console's health view (which shows gauges and counters, not summaries). */
    private final double[] recent = new double[100];
    private int recorded;

    public PricePlan(AmazonProperties amazon, DealsProperties deals, JdbcTemplate jdbc, MeterRegistry meters, Clock clock) {
        this.amazon = amazon;
        this.jdbc = jdbc;
        this.clock = clock;
        this.meters = meters;
        AmazonProperties.Checks c = amazon.checks();
        this.planner = new CheckPlanner(new CheckPlanner.Settings(c.noise().doubleValue(), c.minInterval().toSeconds(),
                c.maxInterval().toSeconds(), c.exploreInterval().toSeconds(), deals.expiryLatency().toSeconds(),
                c.memory().toSeconds(), deals.repostCooldown().toSeconds()));
        this.detection = DistributionSummary.builder("caravan_deal_detection_seconds").baseUnit("seconds")
                .description("Deal seen minus its start: Amazon's dealDetails.startTime when given, else the check before (the earliest the price history allows)")
                .publishPercentiles(0.5, 0.9).register(meters);
        io.micrometer.core.instrument.Gauge.builder("caravan_deal_detection_median_seconds", this, PricePlan::recentMedian)
                .description("Median detection delay of the last 100 deals seen starting (NaN before the first)").register(meters);
    }

    synchronized double recentMedian() {
        int n = Math.min(recorded, recent.length);
        if (n == 0) {
            return Double.NaN;
        }
        double[] sorted = java.util.Arrays.copyOf(recent, n);
        java.util.Arrays.sort(sorted);
        return sorted[n / 2];
    }

    public CheckPlanner planner() {
        return planner;
    }

    /** μ as the run's plans should use it. */
    public double mu() {
        return base * correction;
    }

    /** A thread's own random source for the posterior samples. */
    public SplittableRandom random() {
        synchronized (seeds) {
            return seeds.split();
        }
    }

    /** The prior of a product in {@code categoryId} (null: none) of prior group {@code group} ({@link CheckBelief#group()}). */
    public CheckPlanner.Prior prior(Long categoryId, int group) {
        return priors.getOrDefault(categoryId + "/" + group, global);
    }

    /** {@link CheckBelief#group()} in SQL, on {@code products}. */
    private static final String GROUP = """
            CASE WHEN plan_lightning_deals >= 0.5 THEN 2 WHEN plan_moves >= 0.5 THEN 1 ELSE 0 END""";

    /** Recomputes priors and μ when {@link #REFRESH} has passed: one GROUP BY and one sample of products. */
    public void refreshIfDue() {
        Instant now = clock.instant();
        if (Duration.between(refreshedAt, now).compareTo(REFRESH) < 0) {
            return;
        }
        refreshedAt = now;
        String market = amazon.marketplace();
        Map<String, double[]> sums = new HashMap<>();
        double[] all = new double[4];
        jdbc.query("""
                SELECT category_id, %s, sum(plan_deals), sum(plan_exposure), sum(plan_deal_seconds), sum(plan_deals_ended)
                FROM products WHERE marketplace = ? GROUP BY 1, 2""".formatted(GROUP), rs -> {
            double[] s = {rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6)};
            sums.put(rs.getObject(1) + "/" + rs.getInt(2), s);
            for (int i = 0; i < 4; i++) {
                all[i] += s[i];
            }
        }, market);
        CheckPlanner.Prior g = CheckPlanner.Prior.pooled(all[0], all[1], all[2], all[3], CheckPlanner.Prior.DEFAULT);
        Map<String, CheckPlanner.Prior> next = new HashMap<>();
        sums.forEach((k, s) -> next.put(k, CheckPlanner.Prior.pooled(s[0], s[1], s[2], s[3], g)));
        PriorFit fitted = fit(market, next, g);
        next.replaceAll((k, p) -> fitted.apply(p, Integer.parseInt(k.substring(k.lastIndexOf('/') + 1))));
        global = g;
        priors = next;
        price(market);
    }

    /** The rates' spread and the duration prior's weight, fitted on the products' own evidence (see {@link PriorFit}). */
    private PriorFit fit(String market, Map<String, CheckPlanner.Prior> pooled, CheckPlanner.Prior g) {
        PriorFit fit = new PriorFit();
        jdbc.query("""
                SELECT category_id, plan_moves, plan_deals, plan_exposure, plan_deal_seconds, plan_deals_ended, plan_lightning_deals
                FROM products WHERE marketplace = ? AND (plan_exposure > 0 OR plan_deals > 0) LIMIT ?""", rs -> {
            CheckBelief b = new CheckBelief(rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6), 0, -1,
                    Double.NaN, rs.getDouble(2), -1, rs.getDouble(7));
            fit.add(b.group(), b, pooled.getOrDefault(rs.getObject(1) + "/" + b.group(), g));
        }, market, FIT_ROWS);
        return fit.fit();
    }

    private void price(String market) {
        Long total = jdbc.queryForObject("SELECT count(*) FROM products WHERE marketplace = ? AND status <> 'inaccessible'",
                Long.class, market);
        if (total == null || total == 0) {
            return;
        }
        SplittableRandom random = random();
        List<CheckPlanner.Demand> sample = new ArrayList<>();
        jdbc.query("""
                SELECT p.category_id, p.plan_deals, p.plan_exposure, p.plan_deal_seconds, p.plan_deals_ended, p.plan_moves,
                       p.plan_deal_since IS NOT NULL, p.plan_lightning_deals,
                       c.channel_chat_id IS NOT NULL
                           OR EXISTS (SELECT 1 FROM watches w WHERE w.active AND w.asin = p.asin AND w.marketplace = p.marketplace)
                FROM products p LEFT JOIN categories c ON c.id = p.category_id
                WHERE p.marketplace = ? AND p.status <> 'inaccessible' ORDER BY random() LIMIT ?""", rs -> {
            CheckBelief b = new CheckBelief(rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), 0,
                    rs.getBoolean(7) ? 0 : -1, Double.NaN, rs.getDouble(6), -1, rs.getDouble(8));
            CheckPlanner.Prior prior = prior((Long) rs.getObject(1), b.group());
            sample.add(new CheckPlanner.Demand(planner.rate(b, prior, random), CheckPlanner.duration(b, prior),
                    CheckPlanner.durationShape(b, prior), rs.getBoolean(9), b.inDeal()));
        }, market, SAMPLE);
        double checksPerSecond = Math.min(amazon.requestsPerSecond(), amazon.requestsPerDay() / 86_400.0) * amazon.checks().batchSize();
        base = planner.price(sample, (double) total / sample.size(), checksPerSecond);
    }

    /**
     * After a run: an unspent budget lowers μ for the next plans, a backlog left after a spent one raises it (see
     * {@link CheckBudget#correct}).
     *
     * @param backlog requests' worth of products still due after the run
     */
    public void runEnded(int budget, int used, long backlog) {
        correction = CheckBudget.correct(correction, budget, used, backlog);
    }

    /** A deal was seen starting {@code seconds} after the check before it. */
    public void detected(double seconds) {
        detection.record(seconds);
        synchronized (this) {
            recent[recorded++ % recent.length] = seconds;
        }
    }

    /** One product's share of a request, counted by its class and category. */
    public void spent(String productClass, String category) {
        String key = productClass + "/" + category;
        spent.computeIfAbsent(key, k -> Counter.builder("caravan_amazon_quota_spent_total")
                .description("Creators API requests spent on price checks (a tenth per product), by product class and category")
                .tag("class", productClass).tag("category", category).register(meters)).increment(1.0 / amazon.checks().batchSize());
    }

    /** The class a check is counted under: why the planner wanted it. */
    static String productClass(CheckBelief before, boolean guaranteed) {
        if (before.lastCheck() < 0) {
            return "new";
        }
        if (before.inDeal()) {
            return "deal";
        }
        if (guaranteed) {
            return "guaranteed";
        }
        if (before.deals() >= 0.5) {
            return "deal-prone";
        }
        return before.mover() ? "mover" : "quiet";
    }
}
