package io.footfall.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plans one user's sessions for one day as {@link PlannedEvent}s.
 *
 * <p>Sessions start between 06:00 and 20:00 (UTC), at least {@link #MIN_GAP_MS} (45 min) after the end of the
 * user's previous session, and always end before midnight. Events within a session are 1 s to 2 min apart.
 * The funnel, per session:
 * <pre>
 *   page (home or a category; external referrer)
 *   [identify, 35% of sessions of a not-yet-identified account holder]
 *   1–6 browsing rounds (each further round with probability 0.55):
 *     12%: revisit a recently bought product (page, Product Viewed; add-to-cart 30%)
 *     else pick a category (cluster affinity), then
 *       40%: Products Searched → page /search → Product List Viewed (list_id "search_results")
 *       60%: page /c/… → Product List Viewed (list_id = category slug)
 *       1–3 × (Product Clicked → page /p/… → Product Viewed → add-to-cart 15%)
 *   on add: Product Added; if the product is a planted pair's A: with probability q also Product Viewed +
 *     Product Added of its B
 *   no add: Product Added to Wishlist 4%;  any view: Product Reviewed 2%
 *   cart not empty: Product Removed 12% (never a planted-pair item), Cart Viewed 75%,
 *     Checkout Started 55% (an account holder logs in first: identify) → Coupon Applied with probability
 *     0.05 + 0.45 × discountSensitivity (observable churn drivers: see {@link ObservableHazard}) → Order Completed
 *     70% (80% with a coupon)
 * </pre>
 */
final class SessionPlanner {

    static final long SECOND_MS = 1_000L;
    static final long MINUTE_MS = 60 * SECOND_MS;
    static final long HOUR_MS = 60 * MINUTE_MS;
    static final long DAY_MS = 24 * HOUR_MS;
    static final long MIN_GAP_MS = 45 * MINUTE_MS;
    private static final long FIRST_START = 6 * HOUR_MS;
    private static final long LAST_START = 20 * HOUR_MS;
    private static final long LAST_ROUND = 22 * HOUR_MS + 30 * MINUTE_MS;
    private static final int MAX_ROUNDS = 6;

    private final Storefront store;
    private final Pages pages;
    private final double pairProbability;
    private final double couponBase;
    private final double couponPerSensitivity;

    SessionPlanner(Storefront store, Pages pages, double pairProbability) {
        this(store, pages, pairProbability, 0.05, 0.45);
    }

    /** With the coupon probability at checkout {@code couponBase + couponPerSensitivity × discountSensitivity}. */
    SessionPlanner(Storefront store, Pages pages, double pairProbability, double couponBase, double couponPerSensitivity) {
        this.store = store;
        this.pages = pages;
        this.pairProbability = pairProbability;
        this.couponBase = couponBase;
        this.couponPerSensitivity = couponPerSensitivity;
    }

    /** Appends the events of {@code s}'s sessions on the day starting at {@code dayStart} to {@code out}. */
    void planDay(Shopper s, long dayStart, List<PlannedEvent> out) {
        SplittableRandom r = s.rng;
        int count = Draws.poisson(r, s.sessionRate);
        if (count == 0) {
            return;
        }
        long[] starts = new long[count];
        for (int i = 0; i < count; i++) {
            starts[i] = dayStart + FIRST_START + (long) (r.nextDouble() * (LAST_START - FIRST_START));
        }
        Arrays.sort(starts);
        long earliest = s.lastEventAt == Shopper.NEVER ? dayStart : s.lastEventAt + MIN_GAP_MS;
        for (long start : starts) {
            long t = Math.max(start, earliest);
            if (t >= dayStart + LAST_START) {
                break;
            }
            new Visit(s, t, dayStart + LAST_ROUND, out).run();
            earliest = s.lastEventAt + MIN_GAP_MS + (long) (r.nextDouble() * 30 * MINUTE_MS);
        }
    }

    /** One session in progress: a time cursor, the cart and the last page URL. */
    private final class Visit {
        private final Shopper s;
        private final SplittableRandom r;
        private final long lastRound;
        private final List<PlannedEvent> out;
        private final Cart cart = new Cart();
        private final int session;
        private long t;
        private String lastUrl;

        Visit(Shopper s, long start, long lastRound, List<PlannedEvent> out) {
            this.s = s;
            this.r = s.rng;
            this.t = start;
            this.lastRound = lastRound;
            this.out = out;
            this.session = s.sessions++;
            this.lastUrl = Draws.pick(r, NameTables.EXTERNAL_REFERRERS);
        }

        void run() {
            if (r.nextBoolean()) {
                page(PageType.HOME, -1, null);
            } else {
                page(PageType.CATEGORY, store.picker.category(r, s.cluster), null);
            }
            if (s.userId != null && !s.identified() && Draws.chance(r, 0.35)) {
                identify();
            }
            int rounds = 1;
            while (rounds < MAX_ROUNDS && Draws.chance(r, 0.55)) {
                rounds++;
            }
            for (int i = 0; i < rounds && t < lastRound; i++) {
                browse();
            }
            checkout();
        }

        private void browse() {
            int again = Draws.chance(r, 0.12) ? s.recentPurchase(r) : -1;
            if (again >= 0) {
                page(PageType.PRODUCT, again, null);
                emit(EventKind.PRODUCT_VIEWED, 60).subject = again;
                consider(again, 0.30);
                return;
            }
            int category = store.picker.category(r, s.cluster);
            int[] list = listFor(category);
            String query = null;
            if (Draws.chance(r, 0.4)) {
                query = Pages.query(store.catalogue, category, r.nextInt(3));
                emit(EventKind.PRODUCTS_SEARCHED, 3).query = query;
                page(PageType.SEARCH, -1, query);
            } else {
                page(PageType.CATEGORY, category, null);
            }
            PlannedEvent listed = emit(EventKind.PRODUCT_LIST_VIEWED, 30);
            listed.subject = category;
            listed.items = list;
            listed.query = query;
            int views = 1 + (Draws.chance(r, 0.5) ? 1 : 0) + (Draws.chance(r, 0.25) ? 1 : 0);
            for (int v = 0; v < views; v++) {
                int pos = Math.min(r.nextInt(list.length), r.nextInt(list.length));
                int p = list[pos];
                PlannedEvent click = emit(EventKind.PRODUCT_CLICKED, 2);
                click.subject = p;
                click.position = pos + 1;
                page(PageType.PRODUCT, p, null);
                emit(EventKind.PRODUCT_VIEWED, 90).subject = p;
                consider(p, 0.15);
            }
        }

        private int[] listFor(int category) {
            int[] list = new int[4];
            int n = 0;
            for (int tries = 0; n < list.length && tries < 12; tries++) {
                int p = store.picker.product(r, s.cluster, category);
                boolean seen = false;
                for (int i = 0; i < n; i++) {
                    seen |= list[i] == p;
                }
                if (!seen) {
                    list[n++] = p;
                }
            }
            return n == list.length ? list : Arrays.copyOf(list, n);
        }

        /** After a product view: maybe add it (and its planted partner), wishlist or review it. */
        private void consider(int p, double addProbability) {
            if (!cart.contains(p) && Draws.chance(r, addProbability)) {
                add(p);
                int partner = store.partnerOf[p];
                if (partner >= 0 && !cart.contains(partner) && Draws.chance(r, pairProbability)) {
                    emit(EventKind.PRODUCT_VIEWED, 40).subject = partner;
                    add(partner);
                }
            } else if (Draws.chance(r, 0.04)) {
                emit(EventKind.PRODUCT_ADDED_TO_WISHLIST, 10).subject = p;
            }
            if (Draws.chance(r, 0.02)) {
                boolean liked = store.clusterOfCategory[store.catalogue.product(p).categoryIndex()] == s.cluster;
                PlannedEvent review = emit(EventKind.PRODUCT_REVIEWED, 120);
                review.subject = p;
                review.position = liked ? 3 + r.nextInt(3) : 1 + r.nextInt(5);
                review.number = s.reviews++;
            }
        }

        private void add(int p) {
            double q = r.nextDouble();
            int quantity = q < 0.85 ? 1 : q < 0.97 ? 2 : 3;
            PlannedEvent added = emit(EventKind.PRODUCT_ADDED, 15);
            added.subject = p;
            added.quantity = quantity;
            cart.add(p, quantity);
        }

        private void checkout() {
            if (cart.isEmpty()) {
                return;
            }
            if (Draws.chance(r, 0.12)) {
                remove();
            }
            if (cart.isEmpty()) {
                return;
            }
            if (Draws.chance(r, 0.75)) {
                page(PageType.CART, -1, null);
                withCart(emit(EventKind.CART_VIEWED, 30));
            }
            if (!Draws.chance(r, 0.55)) {
                return;
            }
            if (s.userId != null && !s.identified()) {
                identify();
            }
            int checkoutNo = s.checkouts++;
            page(PageType.CHECKOUT, -1, null);
            withCart(emit(EventKind.CHECKOUT_STARTED, 45)).number = checkoutNo;
            int coupon = -1;
            if (Draws.chance(r, couponBase + couponPerSensitivity * s.features.discountSensitivity())) {
                coupon = r.nextInt(NameTables.COUPONS.size());
                PlannedEvent applied = withCart(emit(EventKind.COUPON_APPLIED, 20));
                applied.number = checkoutNo;
                applied.coupon = coupon;
            }
            if (Draws.chance(r, coupon >= 0 ? 0.80 : 0.70)) {
                PlannedEvent order = withCart(emit(EventKind.ORDER_COMPLETED, 5));
                order.number = checkoutNo;
                order.coupon = coupon;
                for (int i = 0; i < cart.size(); i++) {
                    s.rememberPurchase(cart.product(i));
                }
            }
        }

        private void remove() {
            int candidates = 0;
            for (int i = 0; i < cart.size(); i++) {
                candidates += store.inPair[cart.product(i)] ? 0 : 1;
            }
            if (candidates == 0) {
                return;
            }
            int pick = r.nextInt(candidates);
            for (int i = 0; i < cart.size(); i++) {
                if (!store.inPair[cart.product(i)] && pick-- == 0) {
                    PlannedEvent removed = emit(EventKind.PRODUCT_REMOVED, 10);
                    removed.subject = cart.product(i);
                    removed.quantity = cart.quantity(i);
                    cart.removeAt(i);
                    return;
                }
            }
        }

        private PlannedEvent withCart(PlannedEvent e) {
            e.items = cart.productsSnapshot();
            e.quantities = cart.quantitiesSnapshot();
            return e;
        }

        private void identify() {
            s.identifiedAt = t;
            emit(EventKind.IDENTIFY, 5);
        }

        private void page(PageType type, int arg, String query) {
            PlannedEvent e = emit(EventKind.PAGE, 40);
            e.page = type;
            e.subject = arg;
            e.query = query;
            e.referrer = lastUrl;
            lastUrl = Pages.ORIGIN + pages.path(type, arg) + (query == null ? "" : Pages.search(type, query));
        }

        /** Records an event at the cursor and advances the cursor by 1 s plus up to {@code maxGapSeconds}. */
        private PlannedEvent emit(EventKind kind, int maxGapSeconds) {
            PlannedEvent e = new PlannedEvent(t, s.index, s.seq++, kind, s.identified(), session);
            out.add(e);
            s.lastEventAt = t;
            t += SECOND_MS + r.nextInt(maxGapSeconds * 1000);
            return e;
        }
    }
}
