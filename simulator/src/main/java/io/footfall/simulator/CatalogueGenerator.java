package io.footfall.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Draws a {@link Catalogue} from the configuration and a seeded generator. */
final class CatalogueGenerator {

    private CatalogueGenerator() {
    }

    static Catalogue generate(SimulatorConfig config, SplittableRandom r) {
        List<NameTables.CategoryTemplate> templates = categoryTemplates(config.categories());
        List<String> categories = new ArrayList<>(templates.size());
        for (NameTables.CategoryTemplate t : templates) {
            categories.add(t.path());
        }
        List<String> brands = brands(config.brands(), r);
        int n = config.products();
        int[] rank = Draws.permutation(r, n);
        List<Product> products = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = i < categories.size() ? i : r.nextInt(categories.size());
            NameTables.CategoryTemplate t = templates.get(c);
            int b = r.nextInt(brands.size());
            String id = String.format("p-%05d", i);
            String sku = String.format("%s-%05d", skuPrefix(t.path()), i);
            String name = brands.get(b) + " " + Draws.pick(r, NameTables.ADJECTIVES) + " " + t.noun() + " "
                    + (1 + r.nextInt(9));
            products.add(new Product(i, id, sku, name, c, t.path(), b, brands.get(b), price(t, r), rank[i]));
        }
        return new Catalogue(categories, brands, products);
    }

    private static List<NameTables.CategoryTemplate> categoryTemplates(int count) {
        List<NameTables.CategoryTemplate> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (i < NameTables.CATEGORIES.size()) {
                out.add(NameTables.CATEGORIES.get(i));
            } else {
                out.add(new NameTables.CategoryTemplate("Misc/Range " + (i + 1), "Item", 5, 100));
            }
        }
        return out;
    }

    private static List<String> brands(int count, SplittableRandom r) {
        int combos = NameTables.BRAND_HEADS.size() * NameTables.BRAND_TAILS.size();
        int[] order = Draws.permutation(r, combos);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int k = order[i % combos];
            String name = NameTables.BRAND_HEADS.get(k / NameTables.BRAND_TAILS.size())
                    + NameTables.BRAND_TAILS.get(k % NameTables.BRAND_TAILS.size());
            out.add(i < combos ? name : name + " " + (i / combos + 1));
        }
        return out;
    }

    /** A price in the template's range, ending in .99, .90 or .50 as shops like it. */
    private static long price(NameTables.CategoryTemplate t, SplittableRandom r) {
        double u = r.nextDouble();
        double euros = t.minEuros() * Math.pow((double) t.maxEuros() / t.minEuros(), u * u);
        long whole = Math.max(1, (long) euros);
        int[] endings = {99, 90, 50};
        return whole * 100 - 100 + endings[r.nextInt(endings.length)];
    }

    private static String skuPrefix(String path) {
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("/")) {
            String letters = part.replaceAll("[^A-Za-z]", "").toUpperCase();
            if (sb.length() > 0) {
                sb.append('-');
            }
            sb.append(letters, 0, Math.min(3, letters.length()));
        }
        return sb.toString();
    }
}
