package io.footfall.simulator;

import java.math.BigDecimal;

/**
 * One catalogue item.
 *
 * @param index          position in {@link Catalogue#products()}
 * @param productId      Segment {@code product_id}, e.g. {@code "p-00042"}
 * @param sku            Segment {@code sku}
 * @param name           display name
 * @param categoryIndex  index into {@link Catalogue#categories()}
 * @param category       category path, e.g. {@code "Shoes/Running"}
 * @param brandIndex     index into {@link Catalogue#brands()}
 * @param brand          brand name
 * @param priceCents     price in euro cents (the currency is always {@link Catalogue#CURRENCY})
 * @param popularityRank 0 = most popular; popularity weight is {@code 1 / (rank + 1)^1.1} (Zipf long tail)
 */
public record Product(int index, String productId, String sku, String name, int categoryIndex, String category,
                      int brandIndex, String brand, long priceCents, int popularityRank) {

    /** The price with two decimals, e.g. {@code 59.90}. */
    public BigDecimal price() {
        return BigDecimal.valueOf(priceCents, 2);
    }

    /** The Zipf popularity weight {@code 1 / (rank + 1)^1.1}. */
    public double popularity() {
        return Math.pow(popularityRank + 1.0, -Catalogue.ZIPF_EXPONENT);
    }
}
