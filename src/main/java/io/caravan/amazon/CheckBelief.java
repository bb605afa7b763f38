package io.caravan.amazon;

/**
 * What the check planner has learned about one product: a Gamma posterior on how often a deal starts and a mean deal
 * duration, both from the product's own checks, with old evidence fading (half-life {@code memory}) so a product whose
 * habits change is re-learned. Kept in PostgreSQL on {@code products.plan_*}.
 *
 * <p>Evidence per check, after a gap {@code g} since the previous check: the check could have seen a deal that started
 * in the gap only if that deal was still running, which for exponential durations of mean {@code D} happens for a
 * share {@code D(1 - e^(-g/D)) / g} of the gap. So a check adds {@code D(1 - e^(-g/D))} seconds of <em>effective
 * exposure</em> and one deal if it sees a new one: the count of deals seen is then Poisson with mean rate × exposure,
 * the Gamma posterior stays conjugate, and a product checked rarely is not taken for one that rarely deals (the
 * doubling rule's blind spot: short deals missed between sparse checks look like no deals).
 *
 * @param deals       deal onsets seen (faded)
 * @param exposure    effective exposure in seconds (faded)
 * @param dealSeconds summed durations of the deals seen ending (faded)
 * @param dealsEnded  deals seen ending (faded)
 * @param lastCheck   epoch second of the last check, -1 before the first
 * @param dealSince   epoch second of the check that first saw the running deal, -1 when no deal is running
 * @param lastPrice   the last price that counted as a move (changes under the noise threshold do not), NaN if none
 * @param moves       real price moves outside deals (faded): a product that moves for real draws its prior from the
 *                    category's movers, see {@link #mover()}
 * @param dealEnd     epoch second the running deal ends as Amazon announced it ({@code dealDetails.endTime}), -1 when
 *                    unknown or no deal runs
 * @param lightning   deals seen whose listing Amazon typed {@code LIGHTNING_DEAL}, faded: see {@link #group()}
 */
public record CheckBelief(double deals, double exposure, double dealSeconds, double dealsEnded, long lastCheck,
                          long dealSince, double lastPrice, double moves, long dealEnd, double lightning) {

    /**
     * What a check's listing said of the running deal ({@code dealDetails} and the listing's {@code type}).
     *
     * @param start     epoch second Amazon says the deal started ({@code startTime}), -1 unknown
     * @param end       epoch second Amazon says it ends ({@code endTime}), -1 unknown
     * @param lightning the listing's type is {@code LIGHTNING_DEAL}
     */
    public record Timing(long start, long end, boolean lightning) {
        /** Nothing said: an ordinary price drop, or no dealDetails asked for. */
        public static final Timing NONE = new Timing(-1, -1, false);

        /**
         * What the listing of a deal the rules see running said ({@code offer} null: no deal, or no listing): Amazon's
         * dealDetails date it (a start after {@code now}, clock skew, is not taken), its type tells a Lightning Deal.
         */
        public static Timing of(AmazonItem.Offer offer, java.time.Instant now) {
            if (offer == null || offer.deal() == null && !"LIGHTNING_DEAL".equals(offer.type())) {
                return NONE;
            }
            AmazonItem.Deal deal = offer.deal();
            long start = deal != null && deal.start() != null && !deal.start().isAfter(now) ? deal.start().getEpochSecond() : -1;
            long end = deal != null && deal.end() != null ? deal.end().getEpochSecond() : -1;
            return new Timing(start, end, "LIGHTNING_DEAL".equals(offer.type()));
        }
    }

    /** A product never checked. */
    public static final CheckBelief NEW = new CheckBelief(0, 0, 0, 0, -1, -1, Double.NaN, 0);

    /** A belief without Amazon's deal times. */
    public CheckBelief(double deals, double exposure, double dealSeconds, double dealsEnded, long lastCheck,
                       long dealSince, double lastPrice, double moves) {
        this(deals, exposure, dealSeconds, dealsEnded, lastCheck, dealSince, lastPrice, moves, -1, 0);
    }

    /** Prior groups ({@link #group()}): none of the others; moves its price for real; has had Lightning Deals. */
    public static final int QUIET = 0;
    public static final int MOVER = 1;
    public static final int LIGHTNING = 2;
    public static final int GROUPS = 3;

    /**
     * Whose products' habits this one's prior is pooled from, within its category: those Amazon showed running Lightning
     * Deals (short, in fixed slots, and alike: one sighting places a product among them, where its own one or two deals
     * could not), else those that move their price for real, else the rest. Not a group for other timed deals: the
     * deal-prone sellers behind them differ widely in how often they deal, and a group entered by having dealt narrowed
     * their prior to the group's mean (deal-prone recall fell 2–3 points in bench/deal-recall).
     */
    public int group() {
        return lightning >= 0.5 ? LIGHTNING : mover() ? MOVER : QUIET;
    }

    /** Has moved its price for real lately: its prior comes from the products of its category that did too. */
    public boolean mover() {
        return moves >= 0.5;
    }

    public boolean inDeal() {
        return dealSince >= 0;
    }

    /** The belief after a check at {@code at} that saw no {@code dealDetails}. */
    public CheckBelief observe(long at, double price, boolean inDealNow, double duration, double noise, double memory) {
        return observe(at, price, inDealNow, Timing.NONE, duration, noise, memory);
    }

    /**
     * The belief after a check at {@code at}.
     *
     * @param price     observed price, NaN when there is no offer
     * @param inDealNow the deal rules say a deal is running (started or kept)
     * @param timing    what the listing said of the running deal ({@link Timing#NONE}: nothing)
     * @param duration  the current estimate of the mean deal duration in seconds (weighs the exposure)
     * @param noise     relative price change under which a move is noise (0.02 = 2 %)
     * @param memory    half-life of evidence in seconds
     */
    public CheckBelief observe(long at, double price, boolean inDealNow, Timing timing, double duration, double noise,
                               double memory) {
        long start = inDealNow && timing.start() >= 0 && timing.start() <= at ? timing.start() : -1;
        long end = inDealNow && timing.end() > Math.max(start, 0) ? timing.end() : -1;
        // Only a Lightning Deal's length counts from Amazon's start (see below); others' from the sighting.
        long sighted = start >= 0 && timing.lightning() ? start : at;
        double lightningNow = inDealNow && timing.lightning() ? 1 : 0;
        if (lastCheck < 0) {
            // A deal running at the first check is not counted (no exposure yet), but its end and kind are worth knowing.
            return new CheckBelief(0, 0, 0, 0, at, inDealNow ? sighted : -1, price, 0, end, lightningNow);
        }
        long gap = Math.max(0, at - lastCheck);
        double fade = Math.pow(0.5, gap / memory);
        double d = deals * fade;
        double e = exposure * fade;
        double ds = dealSeconds * fade;
        double de = dealsEnded * fade;
        double mv = moves * fade;
        double lt = lightning * fade;
        long since = dealSince;
        long ends = dealEnd;
        if (!inDeal()) {
            // Deals can only be seen starting while none runs.
            // A check that finds no offer could not have seen a deal, whatever started in the gap: no exposure.
            if (!Double.isNaN(price)) {
                e += duration * -Math.expm1(-gap / duration);
            }
            if (inDealNow) {
                d += 1;
                // Measured from the check that saw it, not from a guessed start: after a long gap a deal still running
                // is usually one that started late in it (the short ones already ended), so "half-way into the gap"
                // inflated durations two- to four-fold. For exponential durations what runs on from any moment has the
                // same mean (memoryless), so first-seen-to-end is an unbiased sample. Nor from Amazon's start, save for
                // a Lightning Deal: a check catches a long deal more often than a short one, so the full lengths of the
                // deals caught overstate a product's mean when its deals' lengths vary (up to twice, for exponential
                // lengths checked sparsely). A Lightning Deal runs a fixed slot, so its full length is exact, where
                // first-seen-to-end would come out half as long.
                since = sighted;
                ends = end;
                lt += lightningNow;
            }
        } else if (!inDealNow) {
            de += 1;
            // The end lies between the last check (deal still on) and this one: Amazon's end time when it falls there
            // (the deal's exact length), else half-way (it ended early, e.g. sold out, or no end time was given).
            long endedAt = dealEnd >= 0 && dealEnd > lastCheck && dealEnd <= at ? dealEnd : at - gap / 2;
            ds += Math.max(1, endedAt - dealSince);
            since = -1;
            ends = -1;
        } else if (end >= 0) {
            ends = end;
        }
        double kept = lastPrice;
        if (moved(lastPrice, price, noise)) {
            // Moves into and out of a deal are the deal's; the others say the seller reprices for real.
            if (!inDeal() && !inDealNow && !Double.isNaN(lastPrice) && !Double.isNaN(price)) {
                mv += 1;
            }
            kept = price;
        }
        return new CheckBelief(d, e, ds, de, at, since, kept, mv, ends, lt);
    }

    /** A change counts as a move only at {@code noise} or more of the price (or when the offer appears or goes). */
    static boolean moved(double before, double after, double noise) {
        if (Double.isNaN(before) || Double.isNaN(after)) {
            return Double.isNaN(before) != Double.isNaN(after);
        }
        return Math.abs(after - before) >= noise * Math.abs(before);
    }
}
