package io.caravan.amazon;

/**
 * The arithmetic behind {@link CheckPlanner}'s intervals. Checked every τ, a product with deal rate λ and mean deal
 * duration D catches {@code λD(1 − e^(−τ/D))} deals per check; the τ that maximises deals caught per second less μ
 * (the price of a check) per check solves {@code λD(1 − e^(−x)(1 + x)) = μ}, x = τ/D ({@link #solve}). When D is known
 * only up to its posterior (inverse-gamma of shape a and mean D), the planner solves the expectation of the left side
 * over that posterior instead ({@link #tau}, {@link #expectedYield}).
 */
final class DealYield {

    /** A duration posterior's shape above this is taken for a known duration (the plain {@link #solve}). */
    static final double KNOWN_SHAPE = 1e4;

    private DealYield() {
    }

    /** x with 1 − e^(−x)(1 + x) = c, 0 < c < 1 (Newton from below; the left side is convex there, so it converges). */
    static double solve(double c) {
        double x = c < 1e-3 ? Math.sqrt(2 * c) : Math.max(1e-3, -Math.log1p(-c));
        for (int i = 0; i < 30; i++) {
            double e = Math.exp(-x);
            double f = 1 - e * (1 + x) - c;
            double slope = x * e;
            if (slope <= 0) {
                break;
            }
            double step = f / slope;
            x = Math.max(x / 2, Math.min(x * 2, x - step));
            if (Math.abs(step) < 1e-9 * x) {
                break;
            }
        }
        return x;
    }

    /**
     * The interval, unclamped, at which λ · E[yield] = μ for a duration posterior of shape {@code shape} (1 < shape <
     * {@link #KNOWN_SHAPE}) and mean {@code duration}; requires μ < λ · duration. Newton on τ from the plug-in interval;
     * the yield rises with τ towards E[D] = duration.
     */
    static double tau(double rate, double duration, double shape, double mu) {
        double tau = solve(mu / (rate * duration)) * duration;
        for (int i = 0; i < 40; i++) {
            double f = rate * expectedYield(tau, duration, shape) - mu;
            double slope = rate * expectedYieldSlope(tau, duration, shape);
            if (!(slope > 0)) {
                break;
            }
            double next = Math.max(tau / 2, Math.min(tau * 2, tau - f / slope));
            boolean done = Math.abs(next - tau) < 1e-9 * tau;
            tau = next;
            if (done) {
                break;
            }
        }
        return tau;
    }

    /**
     * Deals per unit rate a check after {@code tau} seconds is expected to catch, {@code E[D − e^(−τ/D)(D + τ)]} for D
     * inverse-gamma with shape a > 1 and mean {@code duration} (scale b = (a − 1) · duration): with r = b / (b + τ),
     * {@code b/(a − 1) · (1 − r^(a−1)) − τ r^a}.
     */
    static double expectedYield(double tau, double duration, double shape) {
        double b = (shape - 1) * duration;
        double logR = -Math.log1p(tau / b);
        return -duration * Math.expm1((shape - 1) * logR) - tau * Math.exp(shape * logR);
    }

    /** d/dτ of {@link #expectedYield}: {@code τ a r^(a+1) / b}. */
    static double expectedYieldSlope(double tau, double duration, double shape) {
        double b = (shape - 1) * duration;
        return tau * shape * Math.exp((shape + 1) * -Math.log1p(tau / b)) / b;
    }
}
