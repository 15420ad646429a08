/**
 * The basket-rules mining plugin ("frequently bought together"): order baskets kept in the plugin state, exact
 * FP-Growth frequent itemsets and association rules (support, confidence, lift; one item on the right-hand side)
 * mined on training and published as {@code AssociationRule} results. The mining core ({@link
 * io.footfall.plugins.basket.Baskets}, {@link io.footfall.plugins.basket.FpGrowth}, {@link
 * io.footfall.plugins.basket.RuleMiner}) is plain Java and runs without the host ({@link
 * io.footfall.plugins.basket.MineCsv}). Depends on {@code io.footfall.api} only.
 *
 * @since 0.1
 */
package io.footfall.plugins.basket;
