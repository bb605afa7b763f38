package io.caravan.amazon;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the products' deal rates spread around their category's mean, and how much the duration prior weighs, fitted
 * from the catalogue (empirical Bayes) instead of assumed, once per prior group ({@link CheckBelief#group()}: products
 * Amazon showed running Lightning Deals, products that move their price for real, the others).
 *
 * <p>Rates: a nonparametric prior (Kiefer–Wolfowitz NPMLE, by EM) on a log grid of multipliers of the category's mean
 * rate, the shares that make the products' own (faded) deal counts most likely given their effective exposure. A
 * class whose products deal alike (stable products and repricers, one deal a season) ends up with its mass on a few
 * points, so a chance deal does not make a product look deal-prone, while the few deal-prone products hiding in it
 * still stand out once they deal; a class mixing long-deal and short-deal sellers keeps its spread. The single Gamma
 * prior it replaces cannot do both: one shape either lets every chance deal through or holds every product at the mean.
 *
 * <p>Durations: the pseudo-count w of the duration prior (deal durations seen from the first sighting are exponential
 * around the product's mean D, D inverse-gamma of shape w + 1 around the category's), the w that makes the products'
 * summed durations most likely.
 *
 * <p>Fed by the hub's refresh (PricePlan) and by bench/deal-recall alike.
 */
public final class PriorFit {

    /** Products a class needs before its fit replaces the fixed weights. */
    static final int MIN_PRODUCTS = 50;
    /** Products a class's rate fit reads at most (evenly spread over those given): the fit runs every few minutes. */
    static final int MAX_PRODUCTS = 4_000;
    /** Multipliers of the category's mean rate the prior puts mass on: 1/100 to 100, ten a decade. */
    public static final double[] MULTIPLIERS = java.util.stream.IntStream.rangeClosed(0, 40)
            .mapToDouble(i -> Math.pow(10, -2 + i / 10.0)).toArray();
    private static final double[] LOG_MULTIPLIERS = Arrays.stream(MULTIPLIERS).map(Math::log).toArray();
    /** EM steps per fit, from an even prior. */
    static final int STEPS = 60;

    private final Sample[] classes = java.util.stream.Stream.generate(Sample::new).limit(CheckBelief.GROUPS)
            .toArray(Sample[]::new);

    /** One checked product's evidence, with the category prior it is shrunk towards. */
    public void add(boolean mover, CheckBelief belief, CheckPlanner.Prior prior) {
        add(mover ? CheckBelief.MOVER : CheckBelief.QUIET, belief, prior);
    }

    /** As above, for a product of prior group {@code group} ({@link CheckBelief#group()}). */
    public void add(int group, CheckBelief belief, CheckPlanner.Prior prior) {
        classes[group].add(belief, prior);
    }

    /** The category prior {@code prior} of a product of class {@code mover}, with the class's fitted weights. */
    public CheckPlanner.Prior apply(CheckPlanner.Prior prior, boolean mover) {
        return apply(prior, mover ? CheckBelief.MOVER : CheckBelief.QUIET);
    }

    /** The category prior {@code prior} of a product of group {@code group}, with the group's fitted weights. */
    public CheckPlanner.Prior apply(CheckPlanner.Prior prior, int group) {
        Sample s = classes[group];
        return prior.fitted(s.ends, s.mix);
    }

    /** Fits both classes; before {@link #MIN_PRODUCTS} products a class keeps the fixed weights. */
    public PriorFit fit() {
        for (Sample s : classes) {
            s.mix = s.n < MIN_PRODUCTS ? null : fitMix(s.deals, s.exposure, s.rate, s.n);
            s.ends = s.ended < MIN_PRODUCTS ? CheckPlanner.PRIOR_ENDS : fitEnds(s.endSeconds, s.endCount, s.duration, s.ended);
        }
        return this;
    }

    /** The fitted shares of class {@code mover} (null: not fitted), for reports. */
    public double[] mix(boolean mover) {
        return mix(mover ? CheckBelief.MOVER : CheckBelief.QUIET);
    }

    public double[] mix(int group) {
        return classes[group].mix;
    }

    public double ends(boolean mover) {
        return ends(mover ? CheckBelief.MOVER : CheckBelief.QUIET);
    }

    public double ends(int group) {
        return classes[group].ends;
    }

    /**
     * The posterior mean of the product's rate under a fitted prior; with {@code random}, the larger of that and a
     * draw from the posterior (optimistic sampling while the product is new).
     */
    static double rate(CheckBelief belief, CheckPlanner.Prior prior, java.util.SplittableRandom random) {
        double[] mix = prior.mix();
        double scaled = prior.rate() * belief.exposure();
        double k = belief.deals();
        double top = Double.NEGATIVE_INFINITY;
        double[] log = new double[MULTIPLIERS.length];
        for (int j = 0; j < MULTIPLIERS.length; j++) {
            log[j] = mix[j] > 0 ? Math.log(mix[j]) + k * LOG_MULTIPLIERS[j] - scaled * MULTIPLIERS[j] : Double.NEGATIVE_INFINITY;
            top = Math.max(top, log[j]);
        }
        double sum = 0;
        double mean = 0;
        for (int j = 0; j < MULTIPLIERS.length; j++) {
            double w = Math.exp(log[j] - top);
            log[j] = w;
            sum += w;
            mean += w * MULTIPLIERS[j];
        }
        mean = prior.rate() * mean / sum;
        if (random == null) {
            return mean;
        }
        double u = random.nextDouble() * sum;
        int j = 0;
        while (j < MULTIPLIERS.length - 1 && (u -= log[j]) > 0) {
            j++;
        }
        return Math.max(mean, prior.rate() * MULTIPLIERS[j]);
    }

    /**
     * The NPMLE of the rate multipliers' distribution by EM: each product's deal count is Poisson in its rate times
     * its exposure, its rate its category's mean times an unknown multiplier from {@link #MULTIPLIERS}.
     */
    static double[] fitMix(double[] deals, double[] exposure, double[] priorRate, int n) {
        int stride = Math.max(1, (n + MAX_PRODUCTS - 1) / MAX_PRODUCTS);
        int m = (n + stride - 1) / stride;
        int g = MULTIPLIERS.length;
        double[][] likelihood = new double[m][g];
        for (int i = 0; i < m; i++) {
            int p = i * stride;
            double top = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < g; j++) {
                likelihood[i][j] = deals[p] * LOG_MULTIPLIERS[j] - priorRate[p] * exposure[p] * MULTIPLIERS[j];
                top = Math.max(top, likelihood[i][j]);
            }
            for (int j = 0; j < g; j++) {
                likelihood[i][j] = Math.exp(likelihood[i][j] - top);
            }
        }
        double[] mix = new double[g];
        Arrays.fill(mix, 1.0 / g);
        double[] next = new double[g];
        for (int step = 0; step < STEPS; step++) {
            Arrays.fill(next, 0);
            for (double[] row : likelihood) {
                double sum = 0;
                for (int j = 0; j < g; j++) {
                    sum += mix[j] * row[j];
                }
                for (int j = 0; j < g; j++) {
                    next[j] += mix[j] * row[j] / sum;
                }
            }
            for (int j = 0; j < g; j++) {
                mix[j] = next[j] / m;
            }
        }
        return mix;
    }

    private static final class Sample {
        double[] deals = new double[64];
        double[] exposure = new double[64];
        double[] rate = new double[64];
        double[] endSeconds = new double[64];
        double[] endCount = new double[64];
        double[] duration = new double[64];
        int n;
        int ended;
        double[] mix;
        double ends = CheckPlanner.PRIOR_ENDS;

        void add(CheckBelief b, CheckPlanner.Prior prior) {
            if (b.exposure() <= 0 && b.deals() <= 0) {
                return;
            }
            if (n == deals.length) {
                deals = Arrays.copyOf(deals, 2 * n);
                exposure = Arrays.copyOf(exposure, 2 * n);
                rate = Arrays.copyOf(rate, 2 * n);
            }
            deals[n] = b.deals();
            exposure[n] = b.exposure();
            rate[n++] = prior.rate();
            // Only products that saw a deal end say anything about durations.
            if (b.dealsEnded() > 0.05) {
                if (ended == endSeconds.length) {
                    endSeconds = Arrays.copyOf(endSeconds, 2 * ended);
                    endCount = Arrays.copyOf(endCount, 2 * ended);
                    duration = Arrays.copyOf(duration, 2 * ended);
                }
                endSeconds[ended] = b.dealSeconds();
                endCount[ended] = b.dealsEnded();
                duration[ended++] = prior.duration();
            }
        }
    }

    /** Pseudo-counts {@link #fitEnds} chooses from: a log grid from a tenth of a deal to 100 deals. */
    static final double[] SHAPES = java.util.stream.IntStream.rangeClosed(0, 30)
            .mapToDouble(i -> 0.1 * Math.pow(1000, i / 30.0)).toArray();

    /**
     * How much a group's duration prior should weigh (empirical Bayes, as the rates' prior): durations seen
     * are exponential around the product's mean D, D inverse-gamma with shape {@code w + 1} and mean
     * {@code priorDuration[i]}, so the posterior mean is {@code (seconds + w · prior) / (ended + w)}; the pseudo-count
     * w that makes the products' summed durations most likely.
     */
    public static double fitEnds(double[] seconds, double[] ended, double[] priorDuration, int n) {
        double best = CheckPlanner.PRIOR_ENDS;
        double bestLikelihood = Double.NEGATIVE_INFINITY;
        for (double w : SHAPES) {
            double a = w + 1;
            double likelihood = 0;
            double lgA = lgamma(a);
            for (int i = 0; i < n; i++) {
                double b = w * priorDuration[i];
                likelihood += lgamma(a + ended[i]) - lgA + a * Math.log(b / (b + seconds[i])) - ended[i] * Math.log(b + seconds[i]);
            }
            if (likelihood > bestLikelihood) {
                bestLikelihood = likelihood;
                best = w;
            }
        }
        return best;
    }

    /** log Γ(x) for x > 0 (Lanczos, g = 7; accurate to about 1e-13, far more than the fit needs). */
    static double lgamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        x -= 1;
        double a = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** Gamma(shape, 1) sample (Marsaglia and Tsang; shape < 1 by the boost u^(1/shape)). */
    static double gamma(double shape, SplittableRandom random) {
        if (shape < 1) {
            return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = normal(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    private static double normal(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1 == 0 ? Double.MIN_VALUE : u1)) * Math.cos(2 * Math.PI * u2);
    }
}
