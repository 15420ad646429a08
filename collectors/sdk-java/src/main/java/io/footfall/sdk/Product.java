package io.footfall.sdk;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A product as the Segment e-commerce v2 spec describes it ({@code product_id}, {@code sku},
 * {@code name}, {@code category}, {@code brand}, {@code variant}, {@code price}, {@code currency},
 * {@code quantity}, {@code position}, {@code coupon}, plus any extra property). Built fluently.
 */
public final class Product {
    private final Map<String, Object> properties = new LinkedHashMap<>();

    private Product(String productId) {
        properties.put("product_id", Objects.requireNonNull(productId, "productId"));
    }

    /** A product with this id. */
    public static Product of(String productId) {
        return new Product(productId);
    }

    /** Stock keeping unit. */
    public Product sku(String sku) {
        return put("sku", sku);
    }

    /** Display name. */
    public Product name(String name) {
        return put("name", name);
    }

    /** Category (a path like {@code Shoes/Running} is fine). */
    public Product category(String category) {
        return put("category", category);
    }

    /** Brand. */
    public Product brand(String brand) {
        return put("brand", brand);
    }

    /** Variant (size, colour). */
    public Product variant(String variant) {
        return put("variant", variant);
    }

    /** Unit price, ≥ 0. */
    public Product price(BigDecimal price) {
        if (price != null && price.signum() < 0) {
            throw new IllegalArgumentException("price must be >= 0");
        }
        return put("price", price);
    }

    /** Unit price, ≥ 0. */
    public Product price(double price) {
        return price(BigDecimal.valueOf(price));
    }

    /** ISO 4217 currency code. */
    public Product currency(String currency) {
        return put("currency", currency);
    }

    /** Quantity, ≥ 0. */
    public Product quantity(int quantity) {
        if (quantity < 0) {
            throw new IllegalArgumentException("quantity must be >= 0");
        }
        return put("quantity", quantity);
    }

    /** Position in a list, ≥ 0. */
    public Product position(int position) {
        return put("position", position);
    }

    /** Coupon code. */
    public Product coupon(String coupon) {
        return put("coupon", coupon);
    }

    /** Any other property. */
    public Product put(String key, Object value) {
        if (value == null) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
        return this;
    }

    /** The product's properties, in the spec's names. */
    public Map<String, Object> toMap() {
        return new LinkedHashMap<>(properties);
    }
}
