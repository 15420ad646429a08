package io.footfall.core.profile;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The live profile of one person, folded from their events by {@link ProfileFolder}. Mutable for
 * speed while folding; stored as JSON. Derived figures (average order value, top lists) are
 * computed by {@link ProfileView}.
 */
public final class ProfileState {
    public String personId;
    public String userId;
    public TreeSet<String> anonymousIds = new TreeSet<>();
    public Instant firstSeen;
    public Instant lastSeen;
    public TreeMap<String, Long> eventCounts = new TreeMap<>();
    public long sessions;
    public long orders;
    public BigDecimal revenue = BigDecimal.ZERO;
    public long refunds;
    public BigDecimal refundedRevenue = BigDecimal.ZERO;
    public Instant firstOrderAt;
    public Instant lastOrderAt;
    public TreeMap<String, Double> categoryWeights = new TreeMap<>();
    public TreeMap<String, Double> brandWeights = new TreeMap<>();
    /** Most recent first, at most {@link ProfileFolder#RECENTLY_VIEWED}. */
    public List<String> recentlyViewed = new ArrayList<>();
    /** productId → line in the current cart. */
    public LinkedHashMap<String, CartLine> cart = new LinkedHashMap<>();
    public String device;
    public String os;
    public String locale;
    public String timezone;
    /** Latest value of each trait, personal traits included (erasure deletes the whole profile). */
    public TreeMap<String, Object> traits = new TreeMap<>();
    public Map<String, Object> lastSearch;
    public long eventsFolded;

    /**
     * A product in the cart.
     *
     * @param productId product
     * @param quantity  units
     * @param price     unit price, if known
     * @param category  category, if known
     */
    public record CartLine(String productId, int quantity, BigDecimal price, String category) {
    }
}
