package io.footfall.simulator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated shop's assortment: categories, brands and products. Immutable.
 */
public final class Catalogue {

    /** Currency of every price and revenue. */
    public static final String CURRENCY = "EUR";

    /** Exponent {@code s} of the Zipf popularity weight {@code 1/(rank+1)^s}. */
    public static final double ZIPF_EXPONENT = 1.1;

    private final List<String> categories;
    private final List<String> brands;
    private final List<Product> products;
    private final Map<String, Product> byId;

    Catalogue(List<String> categories, List<String> brands, List<Product> products) {
        this.categories = List.copyOf(categories);
        this.brands = List.copyOf(brands);
        this.products = List.copyOf(products);
        this.byId = new HashMap<>(products.size() * 2);
        for (Product p : products) {
            byId.put(p.productId(), p);
        }
    }

    /** Category paths, e.g. {@code "Shoes/Running"}, {@code "Toys"}. */
    public List<String> categories() {
        return categories;
    }

    /** Brand names. */
    public List<String> brands() {
        return brands;
    }

    /** All products, indexed by {@link Product#index()}. */
    public List<Product> products() {
        return products;
    }

    /** The product with this {@code product_id}, or {@code null}. */
    public Product product(String productId) {
        return byId.get(productId);
    }

    /** The product at this index. */
    public Product product(int index) {
        return products.get(index);
    }
}
