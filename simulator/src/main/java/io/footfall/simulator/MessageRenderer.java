package io.footfall.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Turns a {@link PlannedEvent} into the Segment tracking-API message that {@code @segment/analytics-node} would
 * put in a batch: {@code type}, {@code event}/{@code name}, {@code userId}, {@code anonymousId},
 * {@code timestamp}, {@code messageId}, {@code properties}/{@code traits}, {@code context}, {@code integrations},
 * {@code _metadata}. Product fields use the e-commerce spec v2 names; money has two decimals.
 */
final class MessageRenderer {

    static final String LIBRARY_NAME = "@segment/analytics-node";
    static final String LIBRARY_VERSION = "2.1.3";
    static final String NODE_VERSION = "22.11.0";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final TextNode CURRENCY = TextNode.valueOf(Catalogue.CURRENCY);
    private static final long SHIPPING_CENTS = 490;
    private static final String[] TICKET_CHANNELS = {"email", "chat", "phone"};
    private static final String[] TICKET_TOPICS = {"payment", "product question", "account", "returns", "website"};
    private static final long FREE_SHIPPING_FROM_CENTS = 5000;

    private final Catalogue catalogue;
    private final Pages pages;
    private final Instant start;
    private final MessageIds ids;
    private final ProductNodes[] productNodes;

    /** Immutable value nodes of one product, shared by every message that mentions it. */
    private record ProductNodes(TextNode id, TextNode sku, TextNode name, TextNode category, TextNode brand,
                                DecimalNode price) {
    }

    MessageRenderer(Catalogue catalogue, Pages pages, Instant start, long seed) {
        this.catalogue = catalogue;
        this.pages = pages;
        this.start = start;
        this.ids = new MessageIds(seed);
        productNodes = new ProductNodes[catalogue.products().size()];
        for (Product p : catalogue.products()) {
            productNodes[p.index()] = new ProductNodes(TextNode.valueOf(p.productId()), TextNode.valueOf(p.sku()),
                    TextNode.valueOf(p.name()), TextNode.valueOf(p.category()), TextNode.valueOf(p.brand()),
                    money(p.priceCents()));
        }
    }

    ObjectNode render(PlannedEvent e, Shopper s) {
        ObjectNode m = F.objectNode();
        m.put("type", e.kind.type());
        if (e.kind.isTrack()) {
            m.put("event", e.kind.label());
        } else if (e.kind == EventKind.PAGE) {
            m.put("name", e.page.pageName);
        }
        if (e.identified) {
            m.put("userId", s.userId);
        }
        m.put("anonymousId", s.anonymousId);
        m.put("timestamp", Timestamps.iso(e.time));
        m.put("messageId", ids.next(e.time));
        ObjectNode context = context(s);
        switch (e.kind) {
            case IDENTIFY -> m.set("traits", traits(s));
            case PAGE -> {
                ObjectNode page = page(e);
                m.set("properties", page);
                context.set("page", page.deepCopy());
            }
            default -> m.set("properties", properties(e, s));
        }
        m.set("context", context);
        m.set("integrations", F.objectNode());
        ObjectNode meta = m.putObject("_metadata");
        meta.put("nodeVersion", NODE_VERSION);
        meta.put("jsRuntime", "node");
        return m;
    }

    private static ObjectNode context(Shopper s) {
        ObjectNode c = F.objectNode();
        ObjectNode library = c.putObject("library");
        library.put("name", LIBRARY_NAME);
        library.put("version", LIBRARY_VERSION);
        c.put("userAgent", s.userAgent);
        c.put("ip", s.ip);
        c.put("locale", s.locale);
        return c;
    }

    private ObjectNode traits(Shopper s) {
        ObjectNode t = F.objectNode();
        t.put("email", s.email());
        t.put("name", s.firstName + " " + s.lastName);
        t.put("firstName", s.firstName);
        t.put("lastName", s.lastName);
        t.put("plan", s.plan);
        t.put("createdAt", Timestamps.iso(start.toEpochMilli()
                + (s.arrivalDay - (long) s.features.tenureDays()) * SessionPlanner.DAY_MS));
        return t;
    }

    private ObjectNode page(PlannedEvent e) {
        String path = pages.path(e.page, e.subject);
        String search = e.query == null ? "" : Pages.search(e.page, e.query);
        ObjectNode p = F.objectNode();
        p.put("path", path);
        p.put("referrer", e.referrer);
        p.put("search", search);
        p.put("title", pages.title(e.page, e.subject));
        p.put("url", Pages.ORIGIN + path + search);
        return p;
    }

    private ObjectNode properties(PlannedEvent e, Shopper s) {
        ObjectNode p = F.objectNode();
        switch (e.kind) {
            case PRODUCTS_SEARCHED -> p.put("query", e.query);
            case PRODUCT_LIST_VIEWED -> {
                p.put("list_id", e.query != null ? "search_results" : Pages.slug(catalogue.categories()
                        .get(e.subject)));
                p.put("category", catalogue.categories().get(e.subject));
                ArrayNode items = p.putArray("products");
                for (int i = 0; i < e.items.length; i++) {
                    ObjectNode item = productFields(items.addObject(), e.items[i]);
                    item.put("position", i + 1);
                }
            }
            case PRODUCT_CLICKED -> {
                productFields(p, e.subject).put("position", e.position);
                p.set("currency", CURRENCY);
                p.put("url", Pages.ORIGIN + pages.path(PageType.PRODUCT, e.subject));
            }
            case PRODUCT_VIEWED -> {
                productFields(p, e.subject).put("quantity", 1);
                p.set("currency", CURRENCY);
                p.put("url", Pages.ORIGIN + pages.path(PageType.PRODUCT, e.subject));
            }
            case PRODUCT_ADDED, PRODUCT_REMOVED -> {
                p.put("cart_id", cartId(s, e));
                productFields(p, e.subject).put("quantity", e.quantity);
                p.set("currency", CURRENCY);
            }
            case PRODUCT_ADDED_TO_WISHLIST -> {
                p.put("wishlist_id", "wl-" + userKey(s));
                p.put("wishlist_name", "My Wishlist");
                productFields(p, e.subject).set("currency", CURRENCY);
            }
            case PRODUCT_REVIEWED -> {
                p.set("product_id", productNodes[e.subject].id());
                p.put("review_id", "r-" + userKey(s) + "-" + e.number);
                p.put("review_body", NameTables.REVIEW_BODIES.get((e.subject + e.number) % NameTables
                        .REVIEW_BODIES.size()));
                p.put("rating", e.position);
            }
            case CART_VIEWED -> {
                p.put("cart_id", cartId(s, e));
                orderItems(p, e);
            }
            case CHECKOUT_STARTED -> {
                long subtotal = subtotal(e);
                p.put("order_id", orderId(s, e));
                p.put("cart_id", cartId(s, e));
                p.set("value", money(subtotal));
                p.set("revenue", money(subtotal));
                p.set("currency", CURRENCY);
                orderItems(p, e);
            }
            case COUPON_APPLIED -> {
                NameTables.Coupon c = NameTables.COUPONS.get(e.coupon);
                p.put("order_id", orderId(s, e));
                p.put("cart_id", cartId(s, e));
                p.put("coupon_id", c.code());
                p.put("coupon_name", c.name());
                p.set("discount", money(subtotal(e) * c.percent() / 100));
            }
            case ORDER_COMPLETED -> order(p, e, s);
            case ORDER_DELIVERED -> {
                p.put("order_id", orderId(s, e));
                p.put("promised_days", ObservableHazard.PROMISED_DAYS);
                p.put("delivery_days", ObservableHazard.PROMISED_DAYS + e.position);
                p.put("delay_days", e.position);
                p.put("late", e.position > 0);
            }
            case SUPPORT_TICKET_OPENED -> {
                p.put("ticket_id", "t-" + userKey(s) + "-" + e.number);
                p.put("channel", TICKET_CHANNELS[e.subject % TICKET_CHANNELS.length]);
                p.put("topic", TICKET_TOPICS[e.quantity % TICKET_TOPICS.length]);
            }
            default -> throw new IllegalStateException("no properties for " + e.kind);
        }
        return p;
    }

    /**
     * Order money, all in cents: subtotal = Σ price × quantity; discount = subtotal × coupon% (floor);
     * revenue = subtotal − discount; shipping = 4.90 below 50.00 revenue, else 0; tax = VAT share
     * 19/119 of revenue (prices include VAT); total = revenue + shipping.
     */
    private void order(ObjectNode p, PlannedEvent e, Shopper s) {
        long subtotal = subtotal(e);
        long discount = e.coupon < 0 ? 0 : subtotal * NameTables.COUPONS.get(e.coupon).percent() / 100;
        long revenue = subtotal - discount;
        long shipping = revenue >= FREE_SHIPPING_FROM_CENTS ? 0 : SHIPPING_CENTS;
        long tax = Math.round(revenue * 19.0 / 119.0);
        p.put("checkout_id", "chk-" + userKey(s) + "-" + e.number);
        p.put("order_id", orderId(s, e));
        p.set("total", money(revenue + shipping));
        p.set("subtotal", money(subtotal));
        p.set("revenue", money(revenue));
        p.set("shipping", money(shipping));
        p.set("tax", money(tax));
        p.set("discount", money(discount));
        if (e.coupon >= 0) {
            p.put("coupon", NameTables.COUPONS.get(e.coupon).code());
        }
        p.set("currency", CURRENCY);
        orderItems(p, e);
    }

    private void orderItems(ObjectNode p, PlannedEvent e) {
        ArrayNode items = p.putArray("products");
        for (int i = 0; i < e.items.length; i++) {
            productFields(items.addObject(), e.items[i]).put("quantity", e.quantities[i]);
        }
    }

    private long subtotal(PlannedEvent e) {
        long sum = 0;
        for (int i = 0; i < e.items.length; i++) {
            sum += catalogue.product(e.items[i]).priceCents() * e.quantities[i];
        }
        return sum;
    }

    private ObjectNode productFields(ObjectNode target, int product) {
        ProductNodes n = productNodes[product];
        target.set("product_id", n.id());
        target.set("sku", n.sku());
        target.set("category", n.category());
        target.set("name", n.name());
        target.set("brand", n.brand());
        target.set("price", n.price());
        return target;
    }

    /** The user number zero-padded to six digits, as in {@code u-000123}. */
    private static String userKey(Shopper s) {
        String digits = Integer.toString(s.index);
        return digits.length() >= 6 ? digits : "000000".substring(digits.length()) + digits;
    }

    private static String cartId(Shopper s, PlannedEvent e) {
        return "cart-" + userKey(s) + "-" + e.session;
    }

    private static String orderId(Shopper s, PlannedEvent e) {
        return "o-" + userKey(s) + "-" + e.number;
    }

    private static DecimalNode money(long cents) {
        return new DecimalNode(BigDecimal.valueOf(cents, 2));
    }
}
