package io.footfall.collector.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.collector.segment.SegmentMapper;
import io.footfall.core.privacy.PersonalDataCodec;
import io.footfall.core.store.EventJson;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.RecordedBehavior;
import io.footfall.core.store.SealedPersonalData;
import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * An event as the collectors build it in memory equals the event read back from its stored bytes. The ingest writer
 * hands its in-memory payloads to the log's decoding cache (EventLog#committed), so the profile projection folds
 * the in-memory object where a replay folds the decoded one: any difference would make live and replayed profiles
 * differ.
 */
class StoredRoundTripTest {

    private final ObjectMapper parser = new ObjectMapper(); // the request parser's settings (TrackingRequestHandler)
    private final SegmentMapper mapper = new SegmentMapper(EventJson.create());
    private final PersonalDataCodec codec = new PersonalDataCodec(EventJson.create());
    private final Serializer stored = EventLog.createSerializer(EventJson.create());
    private final SegmentMapper.Envelope envelope = new SegmentMapper.Envelope("src_1",
            Instant.parse("2026-11-30T10:15:30.123456789Z"), Instant.parse("2026-11-30T10:15:29.5Z"), "198.51.100.23");

    private static final List<String> MESSAGES = List.of(
            """
            {"type":"track","event":"Product Viewed","userId":"u1","anonymousId":"a1","messageId":"m1",
             "timestamp":"2026-11-30T10:15:29.123+01:00",
             "properties":{"product_id":"p1","sku":"S-1","category":"Shoes","name":"Runner","brand":"Acme","price":59.9,
               "currency":"EUR","position":3,"big":12345678901234,"huge":123456789012345678901234567890,"exp":1.5e20,
               "tiny":1e-7,"neg":-0.0,"zero":0.0,"int_as_float":2.0,"flag":true,"nothing":null,"empty":{},"list":[1,2.5,"x",null,[],{"k":null}],
               "nested":{"a":{"b":{"c":[{"d":1}]}}},"unicode":"Ünïcödé ✓ 𝄞","escaped":"tab\\tquote\\"nl\\n"},
             "context":{"ip":"192.0.2.44","locale":"de-DE","userAgent":"Mozilla/5.0 (X11; Linux x86_64)","page":{"url":"https://shop.example/p/1"}}}
            """,
            """
            {"type":"track","event":"Order Completed","userId":"u1","messageId":"m2",
             "properties":{"order_id":"o1","revenue":"119.80","total":119.8,"discount":0,"coupon":"WELCOME","currency":"EUR",
               "products":[{"product_id":"p1","quantity":2,"price":59.9,"category":"Shoes"},{"product_id":"p2","quantity":1,"price":"0.10"}]}}
            """,
            """
            {"type":"identify","userId":"u2","anonymousId":"a2","messageId":"m3",
             "traits":{"email":"jane@example.com","name":"Jane","plan":"gold","age":41,"createdAt":"2023-01-02T03:04:05Z","score":3.25,"x":null}}
            """,
            """
            {"type":"page","anonymousId":"a3","messageId":"m4","name":"Home","properties":{"path":"/","referrer":"","title":"Shop"}}
            """,
            """
            {"type":"track","event":"Products Searched","anonymousId":"a4","messageId":"m5","properties":{"query":"red shoes","results":0}}
            """,
            """
            {"type":"alias","userId":"u5","previousId":"a5","messageId":"m6"}
            """,
            """
            {"type":"track","event":"Something Custom","userId":"u6","messageId":"m7","properties":{"n":[[[1]]],"s":"","b":false}}
            """);

    @Test
    void eventsReadBackFromTheirStoredBytesEqualTheEventsTheCollectorsBuilt() throws Exception {
        for (String message : MESSAGES) {
            BehaviorEvent built = mapper.map(parser.readTree(message), null, envelope);
            PersonalDataCodec.Split split = codec.split(built);
            RecordedBehavior recorded = new RecordedBehavior(split.event(),
                    split.personal() == null ? null : new SealedPersonalData("user:x", split.personal()));
            SerializedObject<byte[]> bytes = stored.serialize(recorded, byte[].class);
            RecordedBehavior read = stored.deserialize(bytes);
            assertEquals(recorded.event(), read.event(), message);
            if (recorded.personal() != null) {
                assertEquals(recorded.personal().subject(), read.personal().subject());
                assertArrayEquals(recorded.personal().sealed(), read.personal().sealed());
            }
            // and stored again, the same bytes (nothing is lost or reordered on the way)
            assertArrayEquals(bytes.getData(), stored.serialize(read, byte[].class).getData(), message);
        }
    }
}
