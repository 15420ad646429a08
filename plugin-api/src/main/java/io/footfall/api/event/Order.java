package io.footfall.api.event;

import java.math.BigDecimal;
import java.util.List;

/**
 * An order, carried by checkout and order events.
 *
 * @param orderId  the store's order id
 * @param revenue  revenue of the order (subtotal after discounts, before shipping and tax), or its
 *                 total when only that is known
 * @param total    total charged, when given
 * @param currency ISO 4217 code
 * @param discount discount granted
 * @param shipping shipping cost
 * @param tax      tax
 * @param coupon   order-level coupon code
 * @param products the line items, never null
 * @since 0.1
 */
public record Order(
        String orderId,
        BigDecimal revenue,
        BigDecimal total,
        String currency,
        BigDecimal discount,
        BigDecimal shipping,
        BigDecimal tax,
        String coupon,
        List<Product> products) {

    /** Copies the product list so the record stays immutable. */
    public Order {
        products = products == null ? List.of() : List.copyOf(products);
    }

    /** Revenue when given, otherwise total, otherwise the sum of the line items; zero when none is known. */
    public BigDecimal revenueOrDerived() {
        if (revenue != null) {
            return revenue;
        }
        if (total != null) {
            return total;
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (Product p : products) {
            if (p.price() != null) {
                sum = sum.add(p.price().multiply(BigDecimal.valueOf(p.quantityOrOne())));
            }
        }
        return sum;
    }
}
