package io.footfall.collector.logs;

import io.footfall.sdk.Identity;
import io.footfall.sdk.Message;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Taobao/Tianchi UserBehavior: {@code user,item,category,behavior,timestamp} (epoch seconds), no
 * header. {@code pv} → Product Viewed, {@code cart} → Product Added, {@code fav} → Product Added to
 * Wishlist, {@code buy} → Order Completed with one product (the data has no order ids: the order id
 * is derived from the row). The user is the {@code userId}.
 */
final class UserBehaviorFormat implements RowFormat {
    private final String tag;

    UserBehaviorFormat(String tag) {
        this.tag = tag;
    }

    @Override
    public boolean isHeader(List<String> fields) {
        return fields.size() >= 4 && fields.get(3).toLowerCase().startsWith("behav");
    }

    @Override
    public void row(List<String> f, long line, String raw, Emitter out) throws BadRow {
        Parse.columns(f, 5, "user,item,category,behavior,timestamp");
        String user = Parse.id(f.get(0), "user");
        String item = Parse.id(f.get(1), "item");
        String category = Parse.id(f.get(2), "category");
        Instant at = Parse.epoch(f.get(4), false, "timestamp");
        String id = Events.messageId(tag, "userbehavior\n" + raw);
        Identity who = Identity.user(user);
        Message m = switch (f.get(3)) {
            case "pv" -> Events.track(who, "Product Viewed", at, id).property("product_id", item).property("category", category);
            case "cart" -> Events.track(who, "Product Added", at, id).property("product_id", item).property("category", category)
                    .property("quantity", 1);
            case "fav" -> Events.track(who, "Product Added to Wishlist", at, id).property("product_id", item)
                    .property("category", category);
            case "buy" -> Events.track(who, "Order Completed", at, id).property("order_id", "ub-" + id)
                    .property("products", List.of(Map.of("product_id", item, "category", category, "quantity", 1)));
            default -> throw new BadRow("behavior is not one of pv, cart, fav, buy");
        };
        out.emit(new Out(m, line, line));
    }
}
