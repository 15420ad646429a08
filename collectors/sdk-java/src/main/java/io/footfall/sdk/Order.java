package io.footfall.sdk;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An order or checkout as the Segment e-commerce v2 spec describes it ({@code order_id},
 * {@code revenue}, {@code total}, {@code currency}, {@code discount}, {@code shipping}, {@code tax},
 * {@code coupon}, {@code products}). Built fluently.
 */
public final class Order {
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<Map<String, Object>> products = new ArrayList<>();

    private Order(String orderId) {
        properties.put("order_id", Objects.requireNonNull(orderId, "orderId"));
    }

    /** An order with this id. */
    public static Order of(String orderId) {
        return new Order(orderId);
    }

    /** Revenue (after discounts, before shipping and tax). */
    public Order revenue(BigDecimal revenue) {
        return put("revenue", revenue);
    }

    /** Revenue as a double. */
    public Order revenue(double revenue) {
        return revenue(BigDecimal.valueOf(revenue));
    }

    /** Total charged. */
    public Order total(BigDecimal total) {
        return put("total", total);
    }

    /** ISO 4217 currency code. */
    public Order currency(String currency) {
        return put("currency", currency);
    }

    /** Discount given. */
    public Order discount(BigDecimal discount) {
        return put("discount", discount);
    }

    /** Shipping cost. */
    public Order shipping(BigDecimal shipping) {
        return put("shipping", shipping);
    }

    /** Tax. */
    public Order tax(BigDecimal tax) {
        return put("tax", tax);
    }

    /** Coupon code. */
    public Order coupon(String coupon) {
        return put("coupon", coupon);
    }

    /** Adds a line. */
    public Order product(Product product) {
        products.add(product.toMap());
        return this;
    }

    /** Any other property. */
    public Order put(String key, Object value) {
        if (value == null) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
        return this;
    }

    /** The order's properties, in the spec's names. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>(properties);
        if (!products.isEmpty()) {
            map.put("products", new ArrayList<>(products));
        }
        return map;
    }
}
