package io.footfall.collector.logs;

import io.footfall.sdk.Identity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * RetailRocket {@code events.csv}: {@code timestamp,visitorid,event,itemid,transactionid}
 * (epoch milliseconds). {@code view} → Product Viewed, {@code addtocart} → Product Added,
 * {@code transaction} rows are grouped by transaction id into one Order Completed with all its
 * items (at the earliest row's time). The visitor is the {@code anonymousId}.
 */
final class RetailRocketFormat implements RowFormat {
    private final String tag;
    private final OrderGroups orders = new OrderGroups();

    RetailRocketFormat(String tag) {
        this.tag = tag;
    }

    @Override
    public boolean isHeader(List<String> fields) {
        return !fields.isEmpty() && fields.get(0).equalsIgnoreCase("timestamp");
    }

    @Override
    public void row(List<String> f, long line, String raw, Emitter out) throws BadRow {
        if (f.size() != 5 && f.size() != 4) {
            throw new BadRow("expected 5 fields (timestamp,visitorid,event,itemid,transactionid), found " + f.size());
        }
        String event = f.get(2);
        String transaction = f.size() == 5 ? f.get(4) : "";
        if (event.equals("transaction") && !transaction.isBlank()) {
            try {
                Instant at = Parse.epoch(f.get(0), true, "timestamp");
                String visitor = Parse.id(f.get(1), "visitorid");
                String item = Parse.id(f.get(3), "itemid");
                OrderGroups.Group g = orders.of(transaction);
                if (!g.lines.isEmpty() && !g.subject.equals(visitor)) {
                    throw new BadRow("visitorid differs from the transaction's other rows");
                }
                g.subject = visitor;
                g.at = g.at == null || at.isBefore(g.at) ? at : g.at;
                g.products.add(Map.of("product_id", item, "quantity", 1));
                g.raws.add(raw);
                g.lines.add(line);
            } catch (BadRow e) {
                orders.spoil(transaction, line);
                throw e;
            }
            return;
        }
        Instant at = Parse.epoch(f.get(0), true, "timestamp");
        String visitor = Parse.id(f.get(1), "visitorid");
        String item = Parse.id(f.get(3), "itemid");
        String name = switch (event) {
            case "view" -> "Product Viewed";
            case "addtocart" -> "Product Added";
            case "transaction" -> throw new BadRow("transaction without transactionid");
            default -> throw new BadRow("event is not one of view, addtocart, transaction");
        };
        out.emit(new Out(Events.track(Identity.anonymous(visitor), name, at, Events.messageId(tag, "retailrocket\n" + raw))
                .property("product_id", item), line, line));
    }

    @Override
    public void finish(Emitter out) {
        orders.finish(out, g -> Events.track(Identity.anonymous(g.subject), "Order Completed", g.at,
                        Events.messageId(tag, "retailrocket\n" + g.content()))
                .property("order_id", g.orderId).property("products", g.products));
    }
}
