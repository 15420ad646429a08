package io.footfall.api.event;

import java.math.BigDecimal;

/**
 * A product as the e-commerce specification describes it in product events and order line items.
 * Every field is optional.
 *
 * @param productId the catalogue id of the product
 * @param sku       stock keeping unit
 * @param name      display name
 * @param category  category, possibly a path such as {@code "Shoes/Running"}
 * @param brand     brand
 * @param variant   variant (size, colour)
 * @param price     unit price in {@code currency}
 * @param currency  ISO 4217 code
 * @param quantity  number of units, never negative
 * @param position  position in a list, if shown in one
 * @param coupon    coupon code applied to this product
 * @since 0.1
 */
public record Product(
        String productId,
        String sku,
        String name,
        String category,
        String brand,
        String variant,
        BigDecimal price,
        String currency,
        Integer quantity,
        Integer position,
        String coupon) {

    /** Quantity, 1 when not given. */
    public int quantityOrOne() {
        return quantity == null ? 1 : quantity;
    }
}
