/**
 * The category-affinity mining plugin: for every user, a time-decayed affinity score per product category,
 * from product views, cart adds and purchases, published as a ranked list after each batch, plus a summary
 * report table on training. Depends on {@code io.footfall.api} only.
 *
 * @since 0.1
 */
package io.footfall.plugins.affinity;
