package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.StandardEvent;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class FixturesTest {

    @Test
    void productEventsCarryTheirProduct() {
        BehaviorEvent viewed = Fixtures.productViewed("u1", "p-1", "Books/Fiction", Fixtures.T0);
        assertEquals("Product Viewed", viewed.typeLabel());
        assertEquals("u1", viewed.userId());
        assertEquals("Books/Fiction", viewed.product().category());
        assertEquals("p-1", viewed.properties().get("product_id"), "properties are kept as the collectors keep them");
        assertEquals(Fixtures.T0, viewed.occurredAt());
        assertEquals(3, Fixtures.productAdded("u1", "p-1", "Books", 3, Fixtures.T0).product().quantity());
    }

    @Test
    void ordersCarryTheirLinesAndRevenue() {
        BehaviorEvent order = Fixtures.orderCompleted("u1", "o-1", Fixtures.day(1),
                Fixtures.product("p-1", "Books", "9.90", 2), Fixtures.product("p-2", "Toys"));
        assertEquals(StandardEvent.ORDER_COMPLETED, order.standardEvent().orElseThrow());
        assertEquals("o-1", order.order().orderId());
        assertEquals(2, order.order().products().size());
        assertEquals(0, new BigDecimal("19.80").compareTo(order.order().revenue()));
        assertEquals("Toys", order.order().products().get(1).category());
    }

    @Test
    void otherCallsAndBareEventsMapLikeTheCollectors() {
        assertEquals("page", Fixtures.page("u1", "Home", Fixtures.T0).typeLabel());
        BehaviorEvent identify = Fixtures.identify("u1", "a1", Fixtures.T0);
        assertEquals("identify", identify.typeLabel());
        assertEquals("a1", identify.anonymousId());
        for (EventKind k : EventKind.values()) {
            assertEquals(k, Fixtures.bare(k, "u1", Fixtures.T0).kind());
        }
        BehaviorEvent bare = Fixtures.bare(StandardEvent.PRODUCT_VIEWED, "u1", Fixtures.T0);
        assertNull(bare.product());
        assertEquals("Custom Thing", Fixtures.custom("u1", "Custom Thing", Fixtures.T0).typeLabel());
        assertEquals("Order Completed", Fixtures.track("order_completed").user("u1").build().typeLabel());
    }

    @Test
    void idsAreDerivedFromContentUnlessGiven() {
        BehaviorEvent a = Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0);
        assertEquals(a.eventId(), Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0).eventId());
        assertNotEquals(a.eventId(), Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0.plusMillis(1)).eventId());
        assertEquals("m-1", Fixtures.track("X").user("u1").messageId("m-1").build().messageId());
    }

    @Test
    void messagesTheCollectorsRefuseAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fixtures.track("X").build());
        assertEquals(true, e.getMessage().contains("userId"));
        assertEquals("u9", SegmentEvents.parse("{\"type\":\"track\",\"event\":\"X\",\"userId\":\"u9\"}").userId());
    }
}
