package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Order;
import io.footfall.api.event.Product;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** The serializer's shortcuts give what Axon's Jackson serializer gives: the same metadata bytes, the same decoded payloads. */
class StoredEventFastPathsTest {

    private final Serializer jackson = EventLog.createSerializer(EventJson.create());
    private final StoredEventSerializer stored = new StoredEventSerializer(jackson);

    @Test
    void payloadsDecodeAsAxonDecodesThemForRandomEvents() {
        Random random = new Random(3);
        for (int i = 0; i < 5_000; i++) {
            RecordedBehavior recorded = new RecordedBehavior(event(random), random.nextBoolean() ? null
                    : new SealedPersonalData("user:" + text(random), bytes(random)));
            SerializedObject<byte[]> bytes = stored.serialize(recorded, byte[].class);
            SerializedObject<byte[]> byAxon = jackson.serialize(recorded, byte[].class);
            assertArrayEquals(byAxon.getData(), bytes.getData());
            assertEquals(byAxon.getType(), bytes.getType());
            RecordedBehavior read = new StoredEventSerializer(jackson).deserialize(bytes); // no cache hit: decoded
            RecordedBehavior readByAxon = jackson.deserialize(bytes);
            assertEquals(readByAxon.event(), read.event());
            assertEquals(readByAxon.personal() == null, read.personal() == null);
            if (read.personal() != null) {
                assertEquals(readByAxon.personal().subject(), read.personal().subject());
                assertArrayEquals(readByAxon.personal().sealed(), read.personal().sealed());
            }
        }
    }

    @Test
    void theDecodingCacheCountsWhatItAnsweredAndHoldsAsManyEventsAsConfigured() {
        assertEquals(StoredEventSerializer.DEFAULT_SLOTS, stored.slots());
        assertEquals(1024, new StoredEventSerializer(jackson, 1000).slots());
        assertEquals(2, new StoredEventSerializer(jackson, 1).slots());
        Random random = new Random(5);
        java.util.List<SerializedObject<byte[]>> events = new java.util.ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            events.add(stored.serialize(new RecordedBehavior(event(random), null), byte[].class));
        }
        // a cache far larger than the events read: the first read of each decodes, a second reader finds nearly all
        // (direct-mapped: two events hashed to one slot keep only the later one)
        StoredEventSerializer large = new StoredEventSerializer(jackson, 1 << 20);
        events.forEach(e -> large.deserialize(e));
        assertEquals(3_000, large.misses());
        assertEquals(0, large.hits());
        for (SerializedObject<byte[]> e : events) {
            assertEquals(jackson.<byte[], RecordedBehavior>deserialize(e).event(), large.<byte[], RecordedBehavior>deserialize(e).event());
        }
        org.junit.jupiter.api.Assertions.assertTrue(large.hits() >= 2_950 && large.hits() + large.misses() == 6_000,
                "hits " + large.hits() + ", misses " + large.misses());
        // a cache of 16 slots keeps at most 16 of them: a second reader 3,000 events behind decodes nearly all again
        StoredEventSerializer small = new StoredEventSerializer(jackson, 16);
        events.forEach(e -> small.deserialize(e));
        events.forEach(e -> small.deserialize(e));
        assertEquals(6_000, small.hits() + small.misses());
        org.junit.jupiter.api.Assertions.assertTrue(small.hits() <= 16, "hits " + small.hits());
    }

    @Test
    void whatTheWriterHandsOverIsNotEvictedByReadersDecodingOldEvents() {
        Random random = new Random(7);
        StoredEventSerializer cache = new StoredEventSerializer(jackson, 64);
        java.util.List<SerializedObject<byte[]>> fresh = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RecordedBehavior recorded = new RecordedBehavior(event(random), null);
            SerializedObject<byte[]> bytes = cache.serialize(recorded, byte[].class);
            cache.remember(bytes, recorded);
            fresh.add(bytes);
        }
        // a plugin far behind decodes thousands of older events meanwhile
        for (int i = 0; i < 2_000; i++) {
            cache.deserialize(cache.serialize(new RecordedBehavior(event(random), null), byte[].class));
        }
        long decodedBefore = cache.misses();
        for (SerializedObject<byte[]> bytes : fresh) {
            cache.deserialize(bytes);
        }
        // the 20 new events share 64 slots: only those that collided with each other are decoded again
        org.junit.jupiter.api.Assertions.assertTrue(cache.misses() - decodedBefore <= 5,
                "decoded again: " + (cache.misses() - decodedBefore));
    }

    @Test
    void rowsEncodedAheadOfTheAppendAreTheRowsTheAppendWouldWrite() {
        Random random = new Random(11);
        List<org.axonframework.eventhandling.EventMessage<?>> plain = new ArrayList<>();
        List<org.axonframework.eventhandling.EventMessage<?>> encoded = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            BehaviorEvent e = event(random);
            var message = new org.axonframework.eventhandling.GenericEventMessage<>(e.eventId(), new RecordedBehavior(e,
                    random.nextBoolean() ? null : new SealedPersonalData("user:" + text(random), bytes(random))),
                    MetaData.emptyInstance(), Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000)));
            plain.add(message);
            encoded.add(new EncodedEventMessage<>(message, CopyEventStorageEngine.encodeRow(message, stored)));
        }
        byte[] expected = CopyEventStorageEngine.encode(plain, stored, 42);
        assertArrayEquals(expected, CopyEventStorageEngine.encode(encoded, stored, 42));
        // read back field by field: every row carries its index, counting up, then Axon's columns
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(expected);
        in.position(19);
        for (int i = 0; i < plain.size(); i++) {
            var message = plain.get(i);
            assertEquals(10, in.getShort(), "field count of row " + i);
            assertEquals(8, in.getInt());
            assertEquals(42 + i, in.getLong(), "index of row " + i);
            assertEquals(message.getIdentifier(), field(in), "event id");
            assertEquals(message.getIdentifier(), field(in), "aggregate id");
            assertEquals(8, in.getInt());
            assertEquals(0, in.getLong(), "sequence number");
            assertEquals(-1, in.getInt(), "type is null");
            assertEquals(InstantCodec.formatMillis(message.getTimestamp()), field(in), "timestamp");
            assertEquals(RecordedBehavior.class.getName(), field(in), "payload type");
            field(in); // revision
            byte[] payload = new byte[in.getInt()];
            in.get(payload);
            assertArrayEquals(stored.serialize(message.getPayload(), byte[].class).getData(), payload, "payload of row " + i);
            assertEquals("{}", field(in), "metadata");
        }
        assertEquals(-1, in.getShort(), "trailer");
        assertEquals(0, in.remaining());
        // mixed: some rows encoded ahead, some at the append
        List<org.axonframework.eventhandling.EventMessage<?>> mixed = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            mixed.add(i % 3 == 0 ? plain.get(i) : encoded.get(i));
        }
        assertArrayEquals(expected, CopyEventStorageEngine.encode(mixed, stored, 42));
    }

    private static String field(java.nio.ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void otherPayloadsAreWrittenAsAxonWritesThem() {
        // the writer per class must not confuse classes, nor depend on which class came first
        List<Object> payloads = List.of(new IdentityUnlinked("u1", "a1", Instant.parse("2026-11-30T10:00:00Z"), "admin"),
                Map.of("k", List.of(1, "two")), "text", new SealedPersonalData("user:1", new byte[] {1, 2, 3}),
                new IdentityUnlinked("u2", null, null, null));
        for (int round = 0; round < 2; round++) {
            for (Object payload : payloads) {
                SerializedObject<byte[]> byAxon = jackson.serialize(payload, byte[].class);
                SerializedObject<byte[]> ours = stored.serialize(payload, byte[].class);
                assertArrayEquals(byAxon.getData(), ours.getData(), payload.toString());
                assertEquals(byAxon.getType(), ours.getType(), payload.toString());
            }
        }
        assertEquals("{\"k\":\"v\"}", stored.serialize(Map.of("k", "v"), String.class).getData());
    }

    @Test
    void unknownAndEmptyTypesAreLeftToAxon() {
        SerializedObject<byte[]> unknown = new org.axonframework.serialization.SimpleSerializedObject<>(
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8), byte[].class, "com.example.Gone", "3");
        Object read = stored.deserialize(unknown);
        assertEquals(org.axonframework.serialization.UnknownSerializedType.class, read.getClass());
        SerializedObject<byte[]> empty = new org.axonframework.serialization.SimpleSerializedObject<>(
                new byte[0], byte[].class, org.axonframework.serialization.SerializedType.emptyType());
        assertNull(stored.deserialize(empty));
    }

    @Test
    void emptyMetaDataIsWrittenAsTheMapperWritesIt() {
        // what the COPY encoder asks for every ingested event
        SerializedObject<byte[]> expected = jackson.serialize(MetaData.emptyInstance(), byte[].class);
        SerializedObject<byte[]> actual = stored.serialize(MetaData.emptyInstance(), byte[].class);
        assertArrayEquals(expected.getData(), actual.getData());
        assertEquals(expected.getType(), actual.getType());
        MetaData some = MetaData.with("k", "v");
        assertArrayEquals(jackson.serialize(some, byte[].class).getData(), stored.serialize(some, byte[].class).getData());
    }

    private static BehaviorEvent event(Random random) {
        EventKind kind = EventKind.values()[random.nextInt(EventKind.values().length)];
        Instant at = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(4) == 0 ? random.nextInt(1_000_000_000) : random.nextInt(1000) * 1_000_000);
        Product product = random.nextInt(3) == 0 ? product(random) : null;
        Order order = product == null && random.nextBoolean() ? new Order(maybe(random), amount(random), amount(random), maybe(random),
                amount(random), amount(random), amount(random), maybe(random),
                random.nextBoolean() ? List.of(product(random), product(random)) : List.of()) : null;
        EventContext context = random.nextInt(5) == 0 ? null : new EventContext(
                random.nextBoolean() ? new EventContext.Page(maybe(random), maybe(random), maybe(random), maybe(random), maybe(random)) : null,
                maybe(random), maybe(random), maybe(random), maybe(random), maybe(random), maybe(random), maybe(random), maybe(random),
                random.nextBoolean() ? Map.of("source", text(random), "medium", text(random)) : Map.of(), maybe(random));
        return new BehaviorEvent(text(random), maybe(random), kind, maybe(random), "u" + random.nextInt(100),
                maybe(random), maybe(random), maybe(random), at, at.plusMillis(5), random.nextBoolean() ? at : null,
                random.nextBoolean() ? at.minusSeconds(3) : null, maybe(random), product, order, maybe(random), context,
                random.nextInt(4) == 0 ? null : properties(random, 0), random.nextInt(3) == 0 ? Map.of() : properties(random, 0));
    }

    private static Product product(Random random) {
        return new Product(maybe(random), maybe(random), maybe(random), maybe(random), maybe(random), maybe(random),
                amount(random), maybe(random), random.nextBoolean() ? random.nextInt(10) : null,
                random.nextBoolean() ? random.nextInt(50) : null, maybe(random));
    }

    private static Map<String, Object> properties(Random random, int depth) {
        Map<String, Object> map = random.nextBoolean() ? new LinkedHashMap<>() : new HashMap<>();
        int n = random.nextInt(depth == 0 ? 8 : 4);
        for (int i = 0; i < n; i++) {
            map.put("k" + i + text(random), value(random, depth + 1));
        }
        return map;
    }

    private static Object value(Random random, int depth) {
        return switch (random.nextInt(depth > 3 ? 9 : 11)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextInt();
            case 3 -> random.nextLong();
            case 4 -> amount(random);
            case 5 -> new BigInteger("123456789012345678901234567890").multiply(BigInteger.valueOf(random.nextInt(1000)));
            case 6 -> random.nextDouble() * 1e6;
            case 7 -> text(random);
            case 8 -> new BigDecimal(random.nextInt(1000) + "E" + (random.nextInt(40) - 20));
            case 9 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(value(random, depth + 1));
                }
                yield list;
            }
            default -> properties(random, depth);
        };
    }

    private static BigDecimal amount(Random random) {
        return random.nextBoolean() ? null : new BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(4));
    }

    private static String maybe(Random random) {
        return random.nextBoolean() ? null : text(random);
    }

    private static String text(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(16); i >= 0; i--) {
            int pick = random.nextInt(12);
            b.append(pick < 7 ? (char) ('a' + random.nextInt(26)) : pick == 7 ? '"' : pick == 8 ? '\\'
                    : pick == 9 ? (char) random.nextInt(0x20) : pick == 10 ? (char) (0xe0 + random.nextInt(40)) : "😀");
        }
        return b.toString();
    }

    private static byte[] bytes(Random random) {
        byte[] b = new byte[random.nextInt(80)];
        random.nextBytes(b);
        return b;
    }
}
