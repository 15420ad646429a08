package io.footfall.collector.logs;

import io.footfall.sdk.Identity;
import io.footfall.sdk.Message;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * UCI Online Retail: {@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country},
 * with or without a leading row-index column (columns are found by the header's names). One invoice
 * → one {@code Order Completed} (invoices starting with {@code C} are cancellations → {@code Order
 * Refunded}) whose products are the invoice's lines, revenue the sum of price × quantity, currency
 * GBP. Customer ids become {@code userId}; invoices without one ({@code NA}) are a guest's:
 * {@code anonymousId = guest-<invoice>}. Dates are {@code M/d/yyyy H:mm} (or ISO) in the shop's
 * zone (default Europe/London).
 */
final class OnlineRetailFormat implements RowFormat {
    private static final String[] COLUMNS = {"InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
            "CustomerID", "Country"};
    private static final DateTimeFormatter US = DateTimeFormatter.ofPattern("M/d/yyyy H:mm", Locale.ROOT);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd H:mm[:ss]", Locale.ROOT);

    private final String tag;
    private final ZoneId zone;
    private final OrderGroups orders = new OrderGroups();
    private final Map<String, Integer> index = new HashMap<>();
    private int width = COLUMNS.length;

    OnlineRetailFormat(String tag, ZoneId zone) {
        this.tag = tag;
        this.zone = zone;
        for (int i = 0; i < COLUMNS.length; i++) {
            index.put(COLUMNS[i], i);
        }
    }

    @Override
    public boolean isHeader(List<String> fields) {
        if (!fields.contains("InvoiceNo")) {
            return false;
        }
        index.clear();
        for (String column : COLUMNS) {
            index.put(column, fields.indexOf(column));
        }
        width = fields.size();
        return true;
    }

    private String col(List<String> f, String column) {
        int i = index.get(column);
        return i < 0 ? "" : f.get(i);
    }

    @Override
    public void row(List<String> f, long line, String raw, Emitter out) throws BadRow {
        if (f.size() != width) {
            throw new BadRow("expected " + width + " fields, found " + f.size());
        }
        String invoice = Parse.id(col(f, "InvoiceNo"), "InvoiceNo");
        try {
            String stock = Parse.id(col(f, "StockCode"), "StockCode");
            long quantity = Parse.integer(col(f, "Quantity"), "Quantity");
            BigDecimal price = Parse.decimal(col(f, "UnitPrice"), "UnitPrice");
            if (price.signum() < 0) {
                throw new BadRow("UnitPrice is negative");
            }
            Instant at = Parse.plausible(date(col(f, "InvoiceDate")), "InvoiceDate");
            String customer = col(f, "CustomerID").trim();
            if (customer.endsWith(".0")) {
                customer = customer.substring(0, customer.length() - 2);
            }
            String subject = customer.isEmpty() || customer.equalsIgnoreCase("NA") ? null : customer;

            OrderGroups.Group g = orders.of(invoice);
            if (!g.lines.isEmpty() && !java.util.Objects.equals(g.subject, subject)) {
                throw new BadRow("CustomerID differs from the invoice's other lines");
            }
            Map<String, Object> product = new LinkedHashMap<>();
            product.put("product_id", stock);
            String description = col(f, "Description").trim();
            if (!description.isEmpty()) {
                product.put("name", description);
            }
            product.put("price", price);
            product.put("quantity", Math.abs(quantity));
            product.put("currency", "GBP");
            g.products.add(product);
            g.revenue = g.revenue.add(price.multiply(BigDecimal.valueOf(Math.abs(quantity))));
            g.at = g.at == null || at.isBefore(g.at) ? at : g.at;
            g.subject = subject;
            g.raws.add(raw);
            g.lines.add(line);
            String country = col(f, "Country").trim();
            if (!country.isEmpty()) {
                g.country = country;
            }
        } catch (BadRow e) {
            orders.spoil(invoice, line);
            throw e;
        }
    }

    private Instant date(String value) throws BadRow {
        String v = value.trim();
        try {
            LocalDateTime local = v.indexOf('/') > 0 ? LocalDateTime.parse(v, US) : LocalDateTime.parse(v.replace('T', ' '), ISO);
            return local.atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRow("InvoiceDate is not a date (M/d/yyyy H:mm)");
        }
    }

    @Override
    public void finish(Emitter out) {
        orders.finish(out, g -> {
            boolean cancelled = g.orderId.startsWith("C");
            Identity who = g.subject != null ? Identity.user(g.subject) : Identity.anonymous("guest-" + g.orderId);
            Message m = Events.track(who, cancelled ? "Order Refunded" : "Order Completed", g.at,
                            Events.messageId(tag, "online-retail\n" + g.content()))
                    .property("order_id", g.orderId)
                    .property("revenue", g.revenue.setScale(2, RoundingMode.HALF_UP))
                    .property("currency", "GBP")
                    .property("products", g.products);
            if (g.country != null) {
                m.property("country", g.country);
            }
            return m;
        });
    }
}
