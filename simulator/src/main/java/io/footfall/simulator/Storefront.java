package io.footfall.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The planted, fixed part of a simulation: catalogue, taste clusters and co-purchase pairs, with the lookup
 * tables the session planner needs.
 */
final class Storefront {

    final Catalogue catalogue;
    final List<TasteCluster> clusters;
    final List<CoPurchasePair> pairs;
    final ProductPicker picker;
    /** Product index → its planted partner B if it is a pair's A, else -1. */
    final int[] partnerOf;
    /** Product index → whether it belongs to a planted pair (such items are never removed from a cart). */
    final boolean[] inPair;
    /** Category index → the cluster that prefers it. */
    final int[] clusterOfCategory;

    private Storefront(Catalogue catalogue, List<TasteCluster> clusters, List<CoPurchasePair> pairs,
                       ProductPicker picker, int[] partnerOf, boolean[] inPair, int[] clusterOfCategory) {
        this.catalogue = catalogue;
        this.clusters = clusters;
        this.pairs = pairs;
        this.picker = picker;
        this.partnerOf = partnerOf;
        this.inPair = inPair;
        this.clusterOfCategory = clusterOfCategory;
    }

    static Storefront plant(SimulatorConfig config) {
        SplittableRandom root = new SplittableRandom(Draws.mix(config.seed()));
        Catalogue catalogue = CatalogueGenerator.generate(config, root.split());
        int k = config.clusters();
        int categories = catalogue.categories().size();
        int brands = catalogue.brands().size();

        int[] categoryOrder = Draws.permutation(root, categories);
        int[] brandOrder = Draws.permutation(root, brands);
        int[] clusterOfCategory = new int[categories];
        int[][] clusterCategories = new int[k][];
        boolean[][] clusterBrand = new boolean[k][brands];
        List<TasteCluster> clusters = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            List<Integer> cats = new ArrayList<>();
            for (int i = c; i < categories; i += k) {
                cats.add(categoryOrder[i]);
                clusterOfCategory[categoryOrder[i]] = c;
            }
            cats.sort(Comparator.naturalOrder());
            clusterCategories[c] = cats.stream().mapToInt(Integer::intValue).toArray();
            List<String> brandNames = new ArrayList<>();
            for (int i = c; i < brands; i += k) {
                clusterBrand[c][brandOrder[i]] = true;
            }
            for (int b = 0; b < brands; b++) {
                if (clusterBrand[c][b]) {
                    brandNames.add(catalogue.brands().get(b));
                }
            }
            List<String> catNames = cats.stream().map(catalogue.categories()::get).toList();
            clusters.add(new TasteCluster(c, catNames, brandNames));
        }
        ProductPicker picker = new ProductPicker(catalogue, clusterCategories, clusterBrand,
                config.clusterAffinity(), config.brandBoost());

        int n = catalogue.products().size();
        int[] partnerOf = new int[n];
        Arrays.fill(partnerOf, -1);
        boolean[] inPair = new boolean[n];
        List<CoPurchasePair> pairs = plantPairs(config, catalogue, root.split(), partnerOf, inPair);
        return new Storefront(catalogue, List.copyOf(clusters), pairs, picker, partnerOf, inPair,
                clusterOfCategory);
    }

    /**
     * A products: random among the {@code max(3P, n/25)} most popular items; B products: random among the rest.
     */
    private static List<CoPurchasePair> plantPairs(SimulatorConfig config, Catalogue catalogue, SplittableRandom r,
                                                   int[] partnerOf, boolean[] inPair) {
        int n = catalogue.products().size();
        int pairCount = config.coPurchasePairs();
        int[] byRank = new int[n];
        for (Product p : catalogue.products()) {
            byRank[p.popularityRank()] = p.index();
        }
        int head = Math.min(n / 2, Math.max(3 * pairCount, n / 25));
        int[] headOrder = Draws.permutation(r, head);
        int[] tailOrder = Draws.permutation(r, n - head);
        List<CoPurchasePair> pairs = new ArrayList<>(pairCount);
        for (int i = 0; i < pairCount; i++) {
            int a = byRank[headOrder[i]];
            int b = byRank[head + tailOrder[i]];
            partnerOf[a] = b;
            inPair[a] = true;
            inPair[b] = true;
            pairs.add(new CoPurchasePair(catalogue.product(a).productId(), catalogue.product(b).productId(),
                    config.coPurchaseProbability()));
        }
        return List.copyOf(pairs);
    }
}
