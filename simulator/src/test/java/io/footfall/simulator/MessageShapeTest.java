package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MessageShapeTest {

    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final Pattern MESSAGE_ID = Pattern.compile(
            "node-next-\\d+-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final Pattern DOC_IP = Pattern.compile("(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.\\d{1,3}");
    private static final Set<String> SINGLE_PRODUCT_EVENTS = Set.of("Product Clicked", "Product Viewed",
            "Product Added", "Product Removed", "Product Added to Wishlist");

    private static List<ObjectNode> messages;
    private static GroundTruth truth;

    @BeforeAll
    static void simulate() {
        ListSink sink = new ListSink();
        truth = Simulator.run(SimulatorConfig.builder().users(500).days(14).seed(7).build(), sink);
        messages = sink.messages();
    }

    @Test
    void everyMessageHasTheSegmentEnvelope() {
        assertEquals(truth.totalEvents(), messages.size());
        for (ObjectNode m : messages) {
            String type = m.path("type").asText();
            assertTrue(Set.of("track", "page", "identify").contains(type), m::toString);
            assertTrue(MESSAGE_ID.matcher(m.path("messageId").asText()).matches(), m::toString);
            assertTrue(TIMESTAMP.matcher(m.path("timestamp").asText()).matches(), m::toString);
            assertTrue(m.hasNonNull("anonymousId") || m.hasNonNull("userId"), m::toString);
            assertNotNull(truth.userByAnonymousId(m.path("anonymousId").asText()), m::toString);
            JsonNode context = m.path("context");
            assertEquals("@segment/analytics-node", context.path("library").path("name").asText());
            assertFalse(context.path("library").path("version").asText().isEmpty());
            assertFalse(context.path("userAgent").asText().isEmpty());
            assertFalse(context.path("locale").asText().isEmpty());
            assertTrue(DOC_IP.matcher(context.path("ip").asText()).matches(), m::toString);
            switch (type) {
                case "track" -> {
                    assertFalse(m.path("event").asText().isEmpty(), m::toString);
                    assertTrue(m.path("properties").isObject(), m::toString);
                }
                case "page" -> {
                    for (String field : List.of("url", "path", "referrer", "title")) {
                        assertTrue(context.path("page").has(field), m::toString);
                        assertEquals(context.path("page").get(field), m.path("properties").get(field));
                    }
                    assertTrue(m.path("properties").path("url").asText().startsWith("https://shop.example.com/"));
                }
                default -> {
                    assertTrue(m.hasNonNull("userId"), m::toString);
                    assertTrue(m.path("traits").path("email").asText().matches("user\\d+@example\\.test"));
                    assertFalse(m.path("traits").path("plan").asText().isEmpty());
                }
            }
        }
    }

    @Test
    void messagesComeInTimestampOrder() {
        Instant previous = Instant.MIN;
        for (ObjectNode m : messages) {
            Instant t = Instant.parse(m.get("timestamp").asText());
            assertFalse(t.isBefore(previous), () -> "out of order: " + m);
            previous = t;
        }
        assertFalse(Instant.parse(messages.get(0).get("timestamp").asText())
                .isBefore(SimulatorConfig.DEFAULT_START));
    }

    @Test
    void userIdAppearsExactlyFromTheIdentifyCallOn() {
        Map<String, Boolean> identified = new HashMap<>();
        int identifies = 0;
        for (ObjectNode m : messages) {
            String anonymousId = m.get("anonymousId").asText();
            UserTruth user = truth.userByAnonymousId(anonymousId);
            boolean isIdentify = "identify".equals(m.get("type").asText());
            if (isIdentify) {
                identifies++;
                assertFalse(identified.getOrDefault(anonymousId, false), "second identify for " + anonymousId);
                assertEquals(user.identifiedAt(), Instant.parse(m.get("timestamp").asText()));
                identified.put(anonymousId, true);
            }
            if (identified.getOrDefault(anonymousId, false)) {
                assertEquals(user.userId(), m.path("userId").asText(), m::toString);
            } else {
                assertNull(m.get("userId"), () -> "userId before identify: " + m);
            }
        }
        assertEquals(truth.identifiedUsers(), identifies);
        assertTrue(identifies > 100, "too few identified users: " + identifies);
        assertTrue(truth.users().stream().anyMatch(u -> u.userId() == null), "expected guest users");
    }

    @Test
    void productEventsUseSpecV2Fields() {
        Pattern twoDecimals = Pattern.compile("\\d+\\.\\d{2}");
        for (ObjectNode m : messages) {
            String event = m.path("event").asText();
            JsonNode p = m.path("properties");
            if (SINGLE_PRODUCT_EVENTS.contains(event)) {
                for (String f : List.of("product_id", "sku", "category", "name", "brand", "price", "currency")) {
                    assertTrue(p.has(f), () -> f + " missing in " + m);
                }
                assertTrue(twoDecimals.matcher(p.get("price").asText()).matches(), p::toString);
                assertEquals("EUR", p.get("currency").asText());
                if (event.startsWith("Product Added") && !event.endsWith("Wishlist") || event.equals(
                        "Product Removed")) {
                    assertTrue(p.path("quantity").asInt() >= 1, m::toString);
                    assertTrue(p.path("cart_id").asText().startsWith("cart-"), m::toString);
                }
            }
            if (event.equals("Products Searched")) {
                assertFalse(p.path("query").asText().isEmpty());
            }
            if (event.equals("Product Reviewed")) {
                int rating = p.path("rating").asInt();
                assertTrue(rating >= 1 && rating <= 5, m::toString);
            }
        }
    }

    @Test
    void ordersAddUp() {
        int orders = 0;
        for (ObjectNode m : messages) {
            if (!"Order Completed".equals(m.path("event").asText())) {
                continue;
            }
            orders++;
            JsonNode p = m.get("properties");
            assertEquals("EUR", p.get("currency").asText());
            assertFalse(p.path("order_id").asText().isEmpty());
            BigDecimal subtotal = BigDecimal.ZERO;
            for (JsonNode item : p.get("products")) {
                for (String f : List.of("product_id", "sku", "name", "category", "brand", "price", "quantity")) {
                    assertTrue(item.has(f), () -> f + " missing in " + item);
                }
                Product product = truth.catalogue().product(item.get("product_id").asText());
                assertEquals(product.price(), item.get("price").decimalValue());
                subtotal = subtotal.add(item.get("price").decimalValue()
                        .multiply(BigDecimal.valueOf(item.get("quantity").asInt())));
            }
            assertEquals(0, subtotal.compareTo(p.get("subtotal").decimalValue()), p::toString);
            BigDecimal revenue = subtotal.subtract(p.get("discount").decimalValue());
            assertEquals(0, revenue.compareTo(p.get("revenue").decimalValue()), p::toString);
            assertEquals(0, revenue.add(p.get("shipping").decimalValue()).compareTo(p.get("total").decimalValue()));
        }
        assertEquals(truth.count(EventKind.ORDER_COMPLETED), orders);
        assertTrue(orders > 100, "too few orders: " + orders);
    }

    @Test
    void serialisedMoneyKeepsTwoDecimals() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        String json = messages.stream().filter(m -> "Order Completed".equals(m.path("event").asText()))
                .findFirst().map(m -> {
                    try {
                        return mapper.writeValueAsString(m);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }).orElseThrow();
        assertTrue(Pattern.compile("\"price\":\\d+\\.\\d{2}[,}]").matcher(json).find(), json);
        assertTrue(Pattern.compile("\"revenue\":\\d+\\.\\d{2}[,}]").matcher(json).find(), json);
    }
}
