package io.footfall.simulator;

import java.util.List;

/**
 * A planted taste cluster: the categories and brands its members prefer. Clusters partition the categories (and
 * the brands), so no two clusters share a preferred category.
 *
 * <p>A member picks a browsing category with probability
 * {@code P(c) = affinity × 1[c ∈ categories] / |categories| + (1 − affinity) / C}, then a product {@code p} of
 * that category with probability proportional to {@code popularity(p) × (brandBoost if brand(p) ∈ brands else 1)}.
 *
 * @param index         cluster number, 0..K−1
 * @param categories    preferred category paths
 * @param brands        preferred brand names
 */
public record TasteCluster(int index, List<String> categories, List<String> brands) {

    public TasteCluster {
        categories = List.copyOf(categories);
        brands = List.copyOf(brands);
    }
}
