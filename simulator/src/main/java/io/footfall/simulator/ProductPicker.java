package io.footfall.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Samples browsing categories and products for a member of a taste cluster (see {@link TasteCluster} for the
 * formula). Precomputes one cumulative-weight table per (cluster, category).
 */
final class ProductPicker {

    private final double affinity;
    private final int categoryCount;
    private final int[][] clusterCategories;
    private final int[][] categoryProducts;
    private final double[][][] cumulative;

    ProductPicker(Catalogue catalogue, int[][] clusterCategories, boolean[][] clusterBrand, double affinity,
                  double brandBoost) {
        this.affinity = affinity;
        this.categoryCount = catalogue.categories().size();
        this.clusterCategories = clusterCategories;
        List<List<Product>> byCategory = new ArrayList<>();
        for (int c = 0; c < categoryCount; c++) {
            byCategory.add(new ArrayList<>());
        }
        for (Product p : catalogue.products()) {
            byCategory.get(p.categoryIndex()).add(p);
        }
        categoryProducts = new int[categoryCount][];
        for (int c = 0; c < categoryCount; c++) {
            categoryProducts[c] = byCategory.get(c).stream().mapToInt(Product::index).toArray();
        }
        int clusters = clusterCategories.length;
        cumulative = new double[clusters][categoryCount][];
        for (int k = 0; k < clusters; k++) {
            for (int c = 0; c < categoryCount; c++) {
                List<Product> ps = byCategory.get(c);
                double[] cum = new double[ps.size()];
                double sum = 0;
                for (int i = 0; i < ps.size(); i++) {
                    Product p = ps.get(i);
                    sum += p.popularity() * (clusterBrand[k][p.brandIndex()] ? brandBoost : 1.0);
                    cum[i] = sum;
                }
                cumulative[k][c] = cum;
            }
        }
    }

    /** A browsing category for a member of {@code cluster}. */
    int category(SplittableRandom r, int cluster) {
        if (r.nextDouble() < affinity) {
            int[] own = clusterCategories[cluster];
            return own[r.nextInt(own.length)];
        }
        return r.nextInt(categoryCount);
    }

    /** A product of {@code category}, weighted by popularity and the cluster's brand preference. */
    int product(SplittableRandom r, int cluster, int category) {
        return categoryProducts[category][Draws.weighted(r, cumulative[cluster][category])];
    }
}
