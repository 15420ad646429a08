package io.footfall.api.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandardEventTest {

    @Test
    void namesMatchIgnoringCaseBlanksAndUnderscores() {
        assertEquals(Optional.of(StandardEvent.ORDER_COMPLETED), StandardEvent.fromName("Order Completed"));
        assertEquals(Optional.of(StandardEvent.ORDER_COMPLETED), StandardEvent.fromName("order_completed"));
        assertEquals(Optional.of(StandardEvent.ORDER_COMPLETED), StandardEvent.fromName("  ORDER   completed "));
        assertEquals(Optional.of(StandardEvent.PRODUCT_ADDED_TO_WISHLIST), StandardEvent.fromName("product added to wishlist"));
        assertEquals(Optional.empty(), StandardEvent.fromName("Order Completedx"));
        assertEquals(Optional.empty(), StandardEvent.fromName(null));
    }
}
