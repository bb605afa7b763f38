package io.caravan.amazon;

/**
 * The request budget as the {@link CheckPlanner} spends it: how many requests a run may make
 * ({@link #runBudget}, the day's budget spread over the UTC day) and the slow correction on the price of a check μ after
 * each run ({@link #correct}), which makes up for what pricing a sample of products cannot see. Pure, like the planner;
 * the hub's {@code PriceRun}/{@code PricePlan} and {@code bench/deal-recall} call the same methods.
 */
public final class CheckBudget {

    /** How far one run moves the correction on μ at full imbalance (log scale). */
    static final double GAIN = 0.01;
    /** The upward drift of the correction per fully spent run that left a run's worth of backlog, share of {@link #GAIN}. */
    static final double RECOVERY = 0.1;
    /** The least share of the downward step a run that made (almost) no request takes (see {@link #correct}). */
    static final double IDLE_STEP = 0.1;

    private CheckBudget() {
    }

    /**
     * The correction on μ after a run, a slow feedback loop for what {@link CheckPlanner#price} cannot see: intervals chosen
     * earlier under another μ or belief stay until the product's next check, so the due products may not fill the
     * budget, or may queue past it. A run that left requests unspent lowers μ (shorter intervals from now on); one that
     * spent all and still left products due raises it, in proportion to that backlog (up to a run's budget), never
     * above what {@link CheckPlanner#price} found.
     *
     * <p>Why not simply "spent all: drift up, left some: go down" (the first controller): a fully spent run says
     * nothing about how far demand exceeds the budget, and a run with nothing due re-plans no product, so its step
     * has no effect yet. That controller wound up: μ crashed ten-fold while nothing was due, then the short intervals
     * it handed out built a backlog of 1,000–2,000 products (hours of delay, longer than a lightning deal), and μ
     * climbed back for a day, a sawtooth of period 1–2 days. Here a run's downward step is scaled by the share of the
     * budget it did spend (at least {@link #IDLE_STEP}: the step acts through the products the run re-plans), and the
     * upward step by the backlog it left.
     *
     * @param budget  requests the run could make
     * @param used    requests it made
     * @param backlog requests' worth of products still due after the run (only read when {@code used >= budget})
     */
    public static double correct(double correction, int budget, int used, long backlog) {
        if (budget <= 0) {
            return correction;
        }
        double signal;
        if (used < budget) {
            signal = -(double) (budget - used) / budget * Math.max(IDLE_STEP, (double) used / budget);
        } else {
            signal = RECOVERY * Math.min(1, (double) backlog / budget);
        }
        return Math.max(1e-3, Math.min(1, correction * Math.exp(GAIN * signal)));
    }

    /**
     * Requests a run may make: the day's budget spread evenly over the UTC day (so the evening's deals are not missed
     * because the morning spent the day), catching up on what earlier runs left unspent at no more than the per-second
     * rate allows for a run.
     *
     * @param secondsIntoDay seconds since UTC midnight at the run's start
     */
    public static int runBudget(long usedToday, long perDay, long secondsIntoDay, long runSeconds, double perSecond,
                                int maxPerRun) {
        double share = Math.min(1.0, (double) (secondsIntoDay + runSeconds) / 86_400);
        long allowed = (long) Math.floor(perDay * share) - usedToday;
        long rateCap = (long) Math.floor(perSecond * runSeconds);
        return (int) Math.max(0, Math.min(allowed, Math.min(rateCap, maxPerRun)));
    }
}
