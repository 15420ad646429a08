package io.footfall.simulator;

import java.util.Comparator;

/**
 * A compact, not-yet-rendered event: what one day of simulation keeps in memory until it is sorted by time and
 * rendered to a Segment message. Which fields are used depends on {@link #kind}.
 */
final class PlannedEvent {

    /** Emission order within a day: time, then user, then the user's own sequence. */
    static final Comparator<PlannedEvent> ORDER = (a, b) -> {
        int c = Long.compare(a.time, b.time);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.user, b.user);
        return c != 0 ? c : Integer.compare(a.seq, b.seq);
    };

    final long time;
    final int user;
    final int seq;
    final EventKind kind;
    /** Whether the user had identified by then (the message then carries {@code userId}). */
    final boolean identified;
    /** The user's session number (cart id). */
    final int session;

    /** Product index (product events, product page), category index (category page, list), else -1. */
    int subject = -1;
    int quantity;
    /** 1-based position in a list (Product Clicked), or the review rating. */
    int position;
    /** Products of a list, cart, checkout or order, and their quantities (null for lists). */
    int[] items;
    int[] quantities;
    /** Search query (search, search page, search list). */
    String query;
    /** Page type and referrer (page events). */
    PageType page;
    String referrer;
    /** Checkout number (order id) or review number, by kind. */
    int number;
    /** Index into {@link NameTables#COUPONS}, or -1. */
    int coupon = -1;

    PlannedEvent(long time, int user, int seq, EventKind kind, boolean identified, int session) {
        this.time = time;
        this.user = user;
        this.seq = seq;
        this.kind = kind;
        this.identified = identified;
        this.session = session;
    }
}
