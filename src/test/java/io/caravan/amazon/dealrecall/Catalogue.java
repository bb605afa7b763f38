package io.caravan.amazon.dealrecall;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated catalogue of {@code bench/deal-recall}: products of four kinds, their deals and stock-outs drawn once
 * from a seed, and the price any check at any second would see. Parameters are assumptions stated in
 * docs/price-planner.md ("The benchmark's model"), not fitted to Amazon data.
 */
public final class Catalogue {

    public enum Kind { STABLE, REPRICER, DEAL_PRONE, LIGHTNING }

    static final long HOUR = 3_600;
    static final long DAY = 86_400;
    /** DealRules' repost cooldown: a product's next deal starts at least this long after the last one ended. */
    static final long COOLDOWN = DAY;
    /** Categories posting to a channel (their products are checked at least every max-interval). */
    static final int CHANNELS = Integer.getInteger("channels", 1);

    /**
     * Share of deal-prone products that run their deals through Amazon's deals programme (limited-time deals, shown with
     * {@code dealDetails}); the rest cut their own prices, which carry none. An assumption (no public figure), see
     * docs/price-planner.md; {@code -Dtimed-share}.
     */
    static final double TIMED_SHARE = Double.parseDouble(System.getProperty("timed-share", "0.5"));

    /**
     * One deal: [start, end), price at (1 - depth) of the base. {@code announcedEnd} is the end Amazon's
     * {@code dealDetails.endTime} would show: the deal's planned length; a stock-out can end it before.
     */
    public record Deal(int product, long start, long end, double depth, long announcedEnd) {
    }

    /** A product's truth: what the oracle knows (rate per second, mean duration) and what a check sees. */
    public static final class Product {
        public final int id;
        public final Kind kind;
        public final int category;
        public final double base;
        public final double rate;
        public final double duration;
        public final boolean tracked;
        /** Its deals carry {@code dealDetails} (start and end time): Lightning Deals and limited-time deals. */
        public boolean timed;
        public final List<Deal> deals = new ArrayList<>();
        final List<long[]> stockOuts = new ArrayList<>();
        final List<long[]> promos = new ArrayList<>();

        Product(int id, Kind kind, int category, double base, double rate, double duration, boolean tracked) {
            this.id = id;
            this.kind = kind;
            this.category = category;
            this.base = base;
            this.rate = rate;
            this.duration = duration;
            this.tracked = tracked;
        }
    }

    public final long seed;
    public final int categories;
    public final boolean[] channel;
    public final long horizon;
    public final List<Product> products = new ArrayList<>();
    public final List<Deal> deals = new ArrayList<>();

    public Catalogue(long seed, int size, int categories, long days) {
        this.seed = seed;
        this.categories = categories;
        this.horizon = days * DAY;
        SplittableRandom random = new SplittableRandom(seed);
        // A stream of its own, so that adding the dealDetails draw left every other draw (and figure) of a seed as it was.
        SplittableRandom timedDraws = new SplittableRandom(seed ^ 0x7E57ED5EEDL);
        double[] dealiness = new double[categories];
        channel = new boolean[categories];
        for (int c = 0; c < categories; c++) {
            dealiness[c] = Math.exp(random.nextGaussian() * 0.9);
            channel[c] = c < CHANNELS;
        }
        for (int i = 0; i < size; i++) {
            int category = random.nextInt(categories);
            double m = Math.min(3, dealiness[category]);
            double u = random.nextDouble();
            Kind kind = u < 0.05 * m ? Kind.LIGHTNING : u < 0.25 * m ? Kind.DEAL_PRONE : u < 0.25 * m + 0.3 ? Kind.REPRICER : Kind.STABLE;
            double rate;
            double duration;
            switch (kind) {
                case STABLE -> { rate = 1.0 / (180 * DAY); duration = 24 * HOUR; }
                case REPRICER -> { rate = 1.0 / (120 * DAY); duration = 24 * HOUR; }
                case DEAL_PRONE -> {
                    rate = 1.0 / (10 * DAY) * Math.exp(random.nextGaussian() * 0.8);
                    duration = 6 * HOUR * Math.exp(random.nextGaussian() * 0.7);
                }
                default -> { rate = 1.0 / (6 * DAY); duration = HOUR + random.nextDouble() * 3 * HOUR; }
            }
            double base = 300 * Math.exp(random.nextGaussian());
            Product p = new Product(i, kind, category, Math.round(base * 100) / 100.0, rate, duration, random.nextDouble() < 0.01);
            p.timed = kind == Kind.LIGHTNING || kind == Kind.DEAL_PRONE && timedDraws.nextDouble() < TIMED_SHARE;
            draw(p, random);
            products.add(p);
            deals.addAll(p.deals);
        }
    }

    private void draw(Product p, SplittableRandom random) {
        for (long t = next(random, 30 * DAY); t < horizon; t += next(random, 30 * DAY)) {
            long end = t + (long) (DAY * Math.exp(random.nextGaussian() * 0.6));
            p.stockOuts.add(new long[]{t, end});
            t = end;
        }
        if (p.kind == Kind.DEAL_PRONE || p.kind == Kind.LIGHTNING) {
            for (long t = next(random, 5 * DAY); t < horizon; t += next(random, 5 * DAY)) {
                p.promos.add(new long[]{t, t + DAY});
            }
        }
        long earliest = 0;
        for (long t = next(random, 1 / p.rate); t < horizon; t += next(random, 1 / p.rate)) {
            // Lightning deals last their slot; other durations are exponential around the product's mean.
            long length = p.kind == Kind.LIGHTNING ? (long) p.duration : Math.max(600, next(random, p.duration));
            if (t < earliest || !Double.isNaN(stockOut(p, t))) {
                continue;
            }
            long end = Math.min(t + length, nextStockOut(p, t));
            p.deals.add(new Deal(p.id, t, end, 0.2 + random.nextDouble() * 0.3, t + length));
            earliest = end + COOLDOWN;
        }
    }

    private static long next(SplittableRandom random, double mean) {
        return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * mean));
    }

    private static double stockOut(Product p, long t) {
        for (long[] s : p.stockOuts) {
            if (t >= s[0] && t < s[1]) {
                return 0;
            }
        }
        return Double.NaN;
    }

    private static long nextStockOut(Product p, long t) {
        for (long[] s : p.stockOuts) {
            if (s[0] > t) {
                return s[0];
            }
        }
        return Long.MAX_VALUE;
    }

    /** The running deal at {@code t}, or null. */
    public Deal dealAt(Product p, long t) {
        for (Deal d : p.deals) {
            if (t >= d.start() && t < d.end()) {
                return d;
            }
            if (d.start() > t) {
                break;
            }
        }
        return null;
    }

    /**
     * What a check's listing shows of the running deal {@code d}: {@code dealDetails} start and end, and the listing type
     * LIGHTNING_DEAL for a lightning deal; nothing for an ordinary price drop.
     */
    public static io.caravan.amazon.CheckBelief.Timing details(Product p, Deal d) {
        return d == null || !p.timed ? io.caravan.amazon.CheckBelief.Timing.NONE
                : new io.caravan.amazon.CheckBelief.Timing(d.start(), d.announcedEnd(), p.kind == Kind.LIGHTNING);
    }

    /** What a check at {@code t} sees: NaN when out of stock. Repricers move by up to 1 % every 10 minutes. */
    public double price(Product p, long t) {
        if (!Double.isNaN(stockOut(p, t))) {
            return Double.NaN;
        }
        Deal deal = dealAt(p, t);
        double price = p.base;
        if (deal != null) {
            price *= 1 - deal.depth();
        } else {
            for (long[] promo : p.promos) {
                if (t >= promo[0] && t < promo[1]) {
                    price *= 0.9;
                    break;
                }
            }
        }
        if (p.kind == Kind.REPRICER) {
            long slot = t / 600;
            long h = (slot * 0x9E3779B97F4A7C15L) ^ (p.id * 0xC2B2AE3D27D4EB4FL) ^ seed;
            h ^= h >>> 31;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
            price *= 1 + ((h & 0xFFFF) / 65535.0 * 2 - 1) * 0.01;
        }
        return Math.round(price * 100) / 100.0;
    }
}
