package io.footfall.collector.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SegmentMapperTest {

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    private final SegmentMapper mapper = new SegmentMapper(json);
    private final Instant received = Instant.parse("2026-05-01T12:00:00Z");
    private final SegmentMapper.Envelope envelope = new SegmentMapper.Envelope("src_1", received, null, "203.0.113.9");

    private BehaviorEvent map(String message) throws Exception {
        return mapper.map(json.readTree(message), null, envelope);
    }

    @Test
    void skewIsCorrectedByTheGapBetweenSentAtAndReceipt() {
        Instant client = Instant.parse("2026-05-01T10:59:00Z");
        Instant sentAt = Instant.parse("2026-05-01T11:00:00Z");
        assertEquals(Instant.parse("2026-05-01T11:59:00Z"), SegmentMapper.occurredAt(client, sentAt, received));
        assertEquals(client, SegmentMapper.occurredAt(client, null, received));
        assertEquals(received, SegmentMapper.occurredAt(null, sentAt, received));
    }

    @Test
    void orderEventCarriesItsLinesAndNormalisedName() throws Exception {
        BehaviorEvent e = map("""
                {"type":"track","event":"order_completed","userId":42,"messageId":"m1",
                 "properties":{"order_id":"o1","revenue":"19.90","products":[{"product_id":"p1","quantity":2,"price":9.95}]}}""");
        assertEquals("Order Completed", e.name());
        assertEquals("42", e.userId(), "numeric ids are coerced to strings, as Segment does");
        assertEquals(new BigDecimal("19.90"), e.order().revenue());
        assertEquals(2, e.order().products().get(0).quantity());
        assertEquals(EventKind.TRACK, e.kind());
    }

    @Test
    void clientIpIsKeptAndTruncated() throws Exception {
        BehaviorEvent e = map("{\"type\":\"page\",\"anonymousId\":\"a\",\"context\":{\"userAgent\":\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)\"}}");
        assertEquals("203.0.113.9", e.context().ip());
        assertEquals("203.0.113.0", e.context().ipTruncated());
        assertEquals("mobile", e.context().device());
        assertEquals("2001:db8:85a3:0:0:0:0:0", ContextMapper.truncateIp("2001:db8:85a3::8a2e:370:7334"));
        assertEquals("203.0.113.0", ContextMapper.truncateIp("203.0.113.77"));
        assertEquals("0.0.0.0", ContextMapper.truncateIp("0.0.0.9"));
        assertEquals("255.255.255.0", ContextMapper.truncateIp("255.255.255.255"));
        assertEquals(null, ContextMapper.truncateIp("256.1.1.1"));
        assertEquals(null, ContextMapper.truncateIp("1.2.3"));
        assertEquals(null, ContextMapper.truncateIp("1.2.3.4.5"));
        assertEquals(null, ContextMapper.truncateIp("1..3.4"));
    }

    @Test
    void sameSourceAndMessageIdGiveTheSameEventId() throws Exception {
        String m = "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"messageId\":\"same\"}";
        assertEquals(EventIds.of("src_1", "same"), map(m).eventId(), "the id is derived from source and messageId alone");
        BehaviorEvent other = mapper.map(json.readTree(m), null, new SegmentMapper.Envelope("src_2", received, null, null));
        org.junit.jupiter.api.Assertions.assertNotEquals(map(m).eventId(), other.eventId(), "ids are per source");
    }

    @Test
    void violationNamesTheNestedField() {
        SegmentViolation v = assertThrows(SegmentViolation.class, () -> map("""
                {"type":"track","event":"Order Completed","userId":"u","properties":{"products":[{"product_id":"a"},{"quantity":1.5}]}}"""));
        assertEquals("properties.products[1].quantity", v.field());
    }
}
