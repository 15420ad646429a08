package io.footfall.simulator;

/**
 * A planted co-purchase rule "whoever puts A in the cart also puts B in it with probability {@code probability}".
 * The simulator never removes either item of a planted pair from a cart, so
 * {@code P(B ∈ order | A ∈ order) ≥ probability}, while B's base rate is that of an ordinary catalogue item.
 * A products are drawn among the most popular items (so that enough orders contain them); B products anywhere
 * else in the catalogue. No product belongs to two pairs.
 *
 * @param antecedent  {@code product_id} of A
 * @param consequent  {@code product_id} of B
 * @param probability probability that adding A also adds B
 */
public record CoPurchasePair(String antecedent, String consequent, double probability) {
}
