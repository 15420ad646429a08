package io.footfall.api.plugin;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read-only view of a user's live profile, without personal data.
 *
 * @param userId          user id (null for an anonymous person)
 * @param anonymousIds    stitched anonymous ids
 * @param firstSeen       first event
 * @param lastSeen        latest event
 * @param eventCounts     event type label → count
 * @param sessions        sessions
 * @param orders          completed orders
 * @param revenue         revenue of completed orders
 * @param lastOrderAt     latest order, or null
 * @param categoryWeights category → weight (views 1, cart 3, purchase 5)
 * @param recentlyViewed  product ids, most recent first
 * @since 0.1
 */
public record ProfileSnapshot(String userId, Set<String> anonymousIds, Instant firstSeen, Instant lastSeen,
                              Map<String, Long> eventCounts, long sessions, long orders, BigDecimal revenue,
                              Instant lastOrderAt, Map<String, Double> categoryWeights, List<String> recentlyViewed) {
}
