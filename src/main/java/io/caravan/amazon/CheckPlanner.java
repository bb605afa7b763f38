package io.caravan.amazon;

import java.util.SplittableRandom;

/**
 * Decides when each product is checked next, to catch the most deals per request. Pure: no database, no clock; the
 * {@code amazon-prices} route's write step calls {@link #plan} for every checked product, and {@code bench/deal-recall}
 * drives the same class on a simulated catalogue. See docs/price-planner.md.
 *
 * <h2>Allocation (Kolobov et al., SIGIR 2019: rates from one Lagrange multiplier)</h2>
 * Deals of a product start as a Poisson process of rate λ and last an exponential time of mean D. Checked every τ,
 * a check catches on average {@code λD(1 − e^(−τ/D))} deals. Maximising deals caught per second minus μ per check
 * (μ prices a request in deals) gives, per product, the τ solving {@code λD(1 − e^(−x)(1 + x)) = μ} with x = τ/D; a
 * product with {@code λD ≤ μ} is not worth a check and is only explored. One μ for all products spends the budget
 * where it catches most; {@link #price} finds the μ whose intervals ask for just the request budget. The planner does
 * not know D, only its posterior, so it solves the expected yield over that posterior, not the yield at its mean
 * ({@link #interval(double, double, double, double)}).
 *
 * <h2>Estimate and exploration</h2>
 * λ's prior is the product's category mean (or all products') times a spread fitted to the catalogue ({@link PriorFit},
 * a nonparametric mixture); before the fit a wide Gamma, the posterior then Gamma({@code a0 + deals},
 * {@code a0/λprior + exposure}) (see {@link CheckBelief}). Each plan samples the posterior and uses the larger of sample and mean (optimistic
 * posterior sampling) while the product's own exposure is short ({@link #EXPLORE_EXPOSURE}): a new product is
 * sometimes given a short interval while its posterior is wide, and never less than its mean; after that the mean.
 * {@code exploreInterval} bounds any interval: a quiet product decays towards that but is still looked at.
 *
 * <h2>Guarantees</h2>
 * A running deal is re-checked within {@code expiryLatency} (its end is posted in time) and claimed first (tier 2); a
 * tracked product or one of a channel's category within {@code maxInterval}, claimed before the rest (tier 1). The
 * tiers order claims, so when the quota is short these are served first.
 */
public final class CheckPlanner {

    /**
     * Pseudo-deals the Gamma prior on the rate weighs until the hub has fitted the rates' spread ({@link PriorFit}): a
     * product's own two or three deals outweigh its category.
     */
    static final double PRIOR_DEALS = 0.5;
    /** Pseudo-durations the duration prior weighs until fitted ({@link PriorFit#fitEnds}). */
    static final double PRIOR_ENDS = 1.0;
    /**
     * Effective exposure (seconds) after which a product's rate is its posterior mean, no longer an optimistic sample.
     * A rare-deal product's Gamma posterior never narrows (its shape stays near the prior's 0.5 as evidence fades), so
     * sampling it forever spent about a fifth of the quota re-exploring stable products and repricers; three days of
     * exposure is a few checks of a new product, enough to place it, and explore-interval still looks at quiet ones.
     */
    static final double EXPLORE_EXPOSURE = 3 * 86_400;
    /** How long after Amazon's announced end of a deal it is checked: the end has passed by then, on any clock skew. */
    static final long END_GRACE = 60;
    public static final int TIER_DEAL = 2;
    public static final int TIER_GUARANTEED = 1;
    public static final int TIER_OTHER = 0;

    /**
     * @param noise           relative change under which a price move is noise
     * @param minInterval     shortest interval, seconds
     * @param maxInterval     longest interval of a tracked product or a channel's category, seconds
     * @param exploreInterval longest interval of any product, seconds
     * @param expiryLatency   longest interval while a deal runs, seconds
     * @param memory          half-life of evidence, seconds
     * @param cooldown        after a deal ends, how long the deal rules refuse a new one (caravan.deals.repost-cooldown),
     *                        seconds: a check in it cannot catch a deal
     */
    public record Settings(double noise, long minInterval, long maxInterval, long exploreInterval, long expiryLatency,
                           double memory, long cooldown) {
        public Settings {
            if (!(noise >= 0 && noise < 1)) {
                throw new IllegalArgumentException("noise must be in [0, 1), was " + noise);
            }
            if (minInterval <= 0 || maxInterval < minInterval || exploreInterval < maxInterval || expiryLatency < minInterval) {
                throw new IllegalArgumentException("intervals must satisfy 0 < min-interval (" + minInterval + " s) <= max-interval ("
                        + maxInterval + " s) <= explore-interval (" + exploreInterval + " s) and expiry-latency (" + expiryLatency
                        + " s) >= min-interval");
            }
        }
    }

    /**
     * What a category (or all products) says about a product the planner knows little about: the mean deal rate and
     * duration of the category's products, the duration prior's weight in pseudo-deals ({@code ends}) and, once the
     * hub has fitted it ({@link PriorFit}), how the products' rates spread around the mean: {@code mix[j]} is the share
     * of products dealing at {@code rate × PriorFit.MULTIPLIERS[j]}. Without it ({@code null}) the rate's prior is a
     * wide Gamma of shape {@link #PRIOR_DEALS}.
     */
    public record Prior(double rate, double duration, double ends, double[] mix) {

        /** Fallback before anything was seen: a deal a month, lasting half a day. */
        public static final Prior DEFAULT = new Prior(1.0 / (30 * 86_400), 12 * 3_600);

        /** A prior of the default weights: wide, a product's own two or three deals outweigh it. */
        public Prior(double rate, double duration) {
            this(rate, duration, PRIOR_ENDS, null);
        }

        /** The same means with fitted weights. */
        public Prior fitted(double ends, double[] mix) {
            return new Prior(rate, duration, ends, mix);
        }

        /** Pools the summed beliefs of a category, shrunk towards {@code parent}. */
        public static Prior pooled(double deals, double exposure, double dealSeconds, double dealsEnded, Prior parent) {
            double rate = (deals + 2 * PRIOR_DEALS) / (exposure + 2 * PRIOR_DEALS / parent.rate);
            double duration = (dealSeconds + 2 * PRIOR_ENDS * parent.duration) / (dealsEnded + 2 * PRIOR_ENDS);
            return new Prior(rate, duration);
        }
    }

    /** The planner's answer for a product: its belief to store, when it is due, its claim tier. */
    public record Plan(CheckBelief belief, long nextCheck, int tier, double rate, double duration) {
    }

    private final Settings settings;

    public CheckPlanner(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * A product was checked at {@code at}: updates its belief and decides its next check.
     *
     * @param price      observed price, NaN without an offer
     * @param inDeal     the deal rules say a deal runs now
     * @param guaranteed tracked by someone, or in a category posting to a channel
     * @param mu         the current price of a check in deals ({@link #price})
     */
    public Plan plan(CheckBelief belief, long at, double price, boolean inDeal, boolean guaranteed, Prior prior, double mu,
                     SplittableRandom random) {
        return plan(belief, at, price, inDeal, CheckBelief.Timing.NONE, guaranteed, prior, mu, random);
    }

    /**
     * As {@link #plan(CheckBelief, long, double, boolean, boolean, Prior, double, SplittableRandom)}, with what Amazon
     * said of the running deal ({@code dealDetails} and the listing's type): the start dates the deal exactly, start to
     * end is its length, the end is when to look again, and the deal's kind says whose prior the product shares.
     */
    public Plan plan(CheckBelief belief, long at, double price, boolean inDeal, CheckBelief.Timing timing,
                     boolean guaranteed, Prior prior, double mu, SplittableRandom random) {
        double duration = duration(belief, prior);
        CheckBelief next = belief.observe(at, price, inDeal, timing, duration, settings.noise, settings.memory);
        double rate = rate(next, prior, random);
        duration = duration(next, prior);
        return schedule(next, at, rate, duration, durationShape(next, prior), guaranteed, belief.inDeal() && !inDeal, mu, random);
    }

    /**
     * The interval for known λ and D (the oracle's entry point), with the guarantees applied.
     *
     * @param dealEnded the check saw the product's deal end: nothing new can be posted before the cooldown is over
     * @param random    spreads guaranteed checks over the last quarter of max-interval, so products that came in
     *                  together do not stay due together and queue past their guarantee
     */
    public Plan schedule(CheckBelief belief, long at, double rate, double duration, boolean guaranteed, boolean dealEnded,
                         double mu, SplittableRandom random) {
        return schedule(belief, at, rate, duration, Double.POSITIVE_INFINITY, guaranteed, dealEnded, mu, random);
    }

    /** As above, for a duration known only up to its posterior of shape {@code shape} ({@link #interval(double, double, double, double)}). */
    public Plan schedule(CheckBelief belief, long at, double rate, double duration, double shape, boolean guaranteed,
                         boolean dealEnded, double mu, SplittableRandom random) {
        long interval = interval(rate, duration, shape, mu);
        if (dealEnded) {
            interval = Math.max(interval, settings.cooldown);
        }
        int tier = TIER_OTHER;
        long cap = Long.MAX_VALUE;
        if (guaranteed) {
            cap = (long) (settings.maxInterval * (1 - 0.25 * random.nextDouble()));
            interval = Math.min(interval, cap);
            tier = TIER_GUARANTEED;
        }
        if (belief.inDeal()) {
            interval = Math.min(interval, settings.expiryLatency);
            if (belief.dealEnd() > at) {
                // Amazon said when it ends: no new deal can start while this one runs, so look just after its end
                // (posted at once), and within expiry-latency meanwhile in case it ends early (sold out).
                long toEnd = Math.max(settings.minInterval, belief.dealEnd() + END_GRACE - at);
                interval = Math.min(cap, Math.min(settings.expiryLatency, toEnd));
            }
            tier = TIER_DEAL;
        }
        return new Plan(belief, at + interval, tier, rate, duration);
    }

    /** Seconds until the next check: the Lagrangian optimum, clamped to [minInterval, exploreInterval]. */
    public long interval(double rate, double duration, double mu) {
        return interval(rate, duration, Double.POSITIVE_INFINITY, mu);
    }

    /**
     * The interval for rate λ and a mean duration D the planner is unsure of: D's posterior is inverse-gamma of shape
     * {@code shape} ({@link #durationShape}) and mean {@code duration}, and the interval solves
     * {@code λ · E[D(1 − e^(−τ/D)(1 + τ/D))] = μ}, the deals a check is expected to catch over that posterior
     * ({@link DealYield#expectedYield}), instead of plugging in the mean. Why: for short intervals a check's yield is about
     * {@code λτ²/2D}, so what counts is E[1/D], which is {@code shape / (shape − 1)} times 1/E[D]: a product whose
     * duration rests on its category's prior (few deals of its own seen ending) is checked more often than plugging in
     * the mean says, one with many durations seen as before. A known duration ({@code shape} infinite, the oracle's)
     * gives the plain interval.
     */
    public long interval(double rate, double duration, double shape, double mu) {
        double c = mu / (rate * duration);
        if (!(c < 1)) {
            return settings.exploreInterval;
        }
        double tau = shape > 1 && shape < DealYield.KNOWN_SHAPE ? DealYield.tau(rate, duration, shape, mu) : DealYield.solve(c) * duration;
        return (long) Math.max(settings.minInterval, Math.min(settings.exploreInterval, tau));
    }

    /**
     * The shape of the inverse-gamma posterior on the product's mean duration ({@link #duration} is its mean): the
     * prior's pseudo-durations plus one, plus the durations seen (faded).
     */
    public static double durationShape(CheckBelief belief, Prior prior) {
        return prior.ends() + 1 + belief.dealsEnded();
    }

    public static double duration(CheckBelief belief, Prior prior) {
        return (belief.dealSeconds() + prior.ends() * prior.duration()) / (belief.dealsEnded() + prior.ends());
    }

    /**
     * A product as the budget sees it: its (sampled) deal rate, its duration and the shape of that estimate's posterior
     * ({@link #durationShape}), and which guarantees bind it.
     */
    public record Demand(double rate, double duration, double shape, boolean guaranteed, boolean inDeal) {
        /** A product of known duration. */
        public Demand(double rate, double duration, boolean guaranteed, boolean inDeal) {
            this(rate, duration, Double.POSITIVE_INFINITY, guaranteed, inDeal);
        }
    }

    /**
     * What {@link #plan} would use as the product's rate: while the product's own effective exposure is under
     * {@link #EXPLORE_EXPOSURE}, the larger of a posterior sample and the posterior mean; after that the mean.
     */
    public double rate(CheckBelief belief, Prior prior, SplittableRandom random) {
        if (belief.exposure() >= EXPLORE_EXPOSURE) {
            return meanRate(belief, prior);
        }
        if (prior.mix() != null) {
            return PriorFit.rate(belief, prior, random);
        }
        double a = PRIOR_DEALS + belief.deals();
        double b = PRIOR_DEALS / prior.rate() + belief.exposure();
        return Math.max(a / b, PriorFit.gamma(a, random) / b);
    }

    /** The posterior mean of the product's rate: what {@link #rate} gives once the product is explored, and the reports' estimate. */
    public double meanRate(CheckBelief belief, Prior prior) {
        if (prior.mix() != null) {
            return PriorFit.rate(belief, prior, null);
        }
        return (PRIOR_DEALS + belief.deals()) / (PRIOR_DEALS / prior.rate() + belief.exposure());
    }

    /**
     * μ that spends {@code checksPerSecond} (Kolobov et al.'s multiplier, found by bisection on log μ): the checks per
     * second the products ask for at a given μ fall as μ rises. {@code sample} stands for {@code scale} times as many
     * products. When the guarantees alone ask for more than the budget, μ is 1: every other product waits for
     * {@code exploreInterval} and the tiers decide who goes first.
     */
    public double price(java.util.List<Demand> sample, double scale, double checksPerSecond) {
        double low = Math.log(1e-9);
        double high = 0;
        if (demand(sample, Math.exp(high)) * scale >= checksPerSecond) {
            return 1;
        }
        for (int i = 0; i < 40; i++) {
            double mid = (low + high) / 2;
            if (demand(sample, Math.exp(mid)) * scale > checksPerSecond) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return Math.exp(high);
    }

    private double demand(java.util.List<Demand> sample, double mu) {
        double perSecond = 0;
        for (Demand d : sample) {
            long interval = interval(d.rate(), d.duration(), d.shape(), mu);
            if (d.guaranteed()) {
                interval = Math.min(interval, settings.maxInterval);
            }
            if (d.inDeal()) {
                interval = Math.min(interval, settings.expiryLatency);
            }
            perSecond += 1.0 / interval;
        }
        return perSecond;
    }
}
