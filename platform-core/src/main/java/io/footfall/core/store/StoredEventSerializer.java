package io.footfall.core.store;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.Serializer;

/**
 * The serializer stored events are read with: the event serializer plus two shortcuts for the
 * cost every streaming processor paid for every event.
 * <ul>
 * <li>Empty metadata ({@code {}}, which every behaviour event has) reads as
 * {@link MetaData#emptyInstance()} without a Jackson round.</li>
 * <li>Payloads are decoded once for all processors: a small direct-mapped cache keyed by the stored
 * bytes (hash of the first bytes, which hold the event id, then a full comparison) returns the
 * object another processor decoded moments ago. Payloads are immutable records, so sharing them is
 * safe; the profile projection and each plugin otherwise decoded every event again. What the ingest
 * writer hands over ({@link #remember}) goes into a second table of its own, which readers' decodes
 * never overwrite: processors far behind the head (plugins held back under load, 40,000–130,000 events
 * behind at 5,000 events/s) decode old events all the time, and in one table they evicted the new
 * events before the profile projection read them.</li>
 * <li>Decoding resolves the payload class once per type name instead of Axon's {@code Class.forName} per
 * payload (that lookup cost a quarter as much as the decoding itself).</li>
 * <li>Writing: empty metadata (every ingested event's) is written as {@code {}} without a Jackson round.
 * Payloads are written by the mapper, with the writer and stored type of each payload class looked up once.
 * A hand-written streaming writer for {@link RecordedBehavior} was tried
 * and measured no faster (the cost is the text itself: UTF-8, numbers, instants), so it was not kept.</li>
 * </ul>
 */
final class StoredEventSerializer implements Serializer {

    private static final byte[] EMPTY = {'{', '}'};
    private static final String META_DATA = MetaData.class.getName();
    /** Slots of the decoding cache unless configured ({@code footfall.store.decoded-cache}). */
    static final int DEFAULT_SLOTS = 8192;
    private static final int HASHED_PREFIX = 160;

    private record Slot(byte[] data, String type, String revision, Object value) {
    }

    private final Serializer delegate;
    private final AtomicReferenceArray<Slot> decoded;
    /** What the ingest writer handed over, newest events only ({@link #remember}). */
    private final AtomicReferenceArray<Slot> appended;
    private final int mask;
    /** Reads of a payload answered by the cache, and reads that decoded. */
    private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();
    /** The mapper behind the delegate when it is Jackson (always, in Footfall), for the fast paths. */
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final SerializedType metaDataType;
    /** Readers by payload type name (names come from the few event classes; unknown ones are not cached). */
    private final java.util.concurrent.ConcurrentHashMap<String, com.fasterxml.jackson.databind.ObjectReader> readers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A payload class's writer (its serializer resolved once) and stored type (name and revision resolved once). */
    private record Written(com.fasterxml.jackson.databind.ObjectWriter writer, SerializedType type) {
    }

    /**
     * Per payload class, what Axon's {@code JacksonSerializer.serialize} looks up for every payload: a writer from the
     * mapper (whose root serializer is then found per call) and the class's name and revision. The bytes are the
     * same (StoredEventFastPathsTest).
     */
    private final java.util.concurrent.ConcurrentHashMap<Class<?>, Written> written = new java.util.concurrent.ConcurrentHashMap<>();

    StoredEventSerializer(Serializer delegate) {
        this(delegate, DEFAULT_SLOTS);
    }

    /** @param slots slots of the decoding cache, rounded up to a power of two (at least 1) */
    StoredEventSerializer(Serializer delegate, int slots) {
        int size = Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
        this.decoded = new AtomicReferenceArray<>(size);
        this.appended = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.delegate = delegate;
        this.json = delegate instanceof org.axonframework.serialization.json.JacksonSerializer jackson
                ? jackson.getObjectMapper() : null;
        this.metaDataType = delegate.typeForClass(MetaData.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S, T> T deserialize(SerializedObject<S> serialized) {
        if (!(serialized.getData() instanceof byte[] bytes)) {
            return delegate.deserialize(serialized);
        }
        String type = serialized.getType().getName();
        if (META_DATA.equals(type)) {
            return Arrays.equals(bytes, EMPTY) ? (T) MetaData.emptyInstance() : delegate.deserialize(serialized);
        }
        String revision = serialized.getType().getRevision();
        int index = slot(bytes);
        Slot slot = appended.get(index);
        if (!matches(slot, bytes, type, revision)) {
            slot = decoded.get(index);
        }
        if (matches(slot, bytes, type, revision)) {
            hits.increment();
            return (T) slot.value();
        }
        misses.increment();
        T value = decode(serialized, bytes);
        if (value != null) {
            decoded.set(index, new Slot(bytes, type, revision, value));
        }
        return value;
    }

    /**
     * Puts a payload its writer still holds into the cache, as if a reader had just decoded {@code data}: the
     * ingest writer hands over what it appended, so the first processor to read those rows (the profile projection)
     * compares bytes instead of decoding them. Only for objects that decoding {@code data} gives back equal
     * (StoredEventFastPathsTest, and SegmentRoundTripTest for what the collectors produce).
     */
    void remember(SerializedObject<byte[]> stored, Object value) {
        byte[] bytes = stored.getData();
        appended.set(slot(bytes), new Slot(bytes, stored.getType().getName(), stored.getType().getRevision(), value));
    }

    private static boolean matches(Slot slot, byte[] bytes, String type, String revision) {
        return slot != null && slot.type().equals(type) && java.util.Objects.equals(slot.revision(), revision)
                && Arrays.equals(slot.data(), bytes);
    }

    /**
     * What {@code JacksonSerializer.deserialize} does for byte payloads (read with the mapper's reader for the
     * type's class), with the class and reader looked up once per type name. Anything else (an empty or unknown
     * type, a class that does not load) goes to the delegate as before.
     */
    @SuppressWarnings("unchecked")
    private <S, T> T decode(SerializedObject<S> serialized, byte[] bytes) {
        if (json == null) {
            return delegate.deserialize(serialized);
        }
        String name = serialized.getType().getName();
        com.fasterxml.jackson.databind.ObjectReader reader = readers.get(name);
        if (reader == null) {
            if (SerializedType.emptyType().equals(serialized.getType())) {
                return delegate.deserialize(serialized);
            }
            Class<?> type;
            try {
                type = delegate.classForType(serialized.getType());
            } catch (RuntimeException e) {
                return delegate.deserialize(serialized);
            }
            if (org.axonframework.serialization.UnknownSerializedType.class.isAssignableFrom(type)) {
                return delegate.deserialize(serialized);
            }
            reader = json.readerFor(type);
            if (readers.size() < 1024) {
                readers.put(name, reader);
            }
        }
        try {
            return (T) reader.readValue(bytes);
        } catch (java.io.IOException e) {
            throw new org.axonframework.serialization.SerializationException("Error while deserializing object", e);
        }
    }

    /** Payload reads the cache answered. */
    long hits() {
        return hits.sum();
    }

    /** Payload reads that decoded the bytes. */
    long misses() {
        return misses.sum();
    }

    /** Slots of each of the two tables (decoded by readers, handed over by the writer). */
    int slots() {
        return mask + 1;
    }

    private int slot(byte[] bytes) {
        int h = bytes.length;
        int end = Math.min(bytes.length, HASHED_PREFIX);
        for (int i = 0; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        h ^= h >>> 16;
        return h & mask;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
        if (expectedRepresentation == byte[].class && object instanceof MetaData meta && meta.isEmpty()) {
            return (SerializedObject<T>) new SimpleSerializedObject<>(EMPTY.clone(), byte[].class, metaDataType);
        }
        if (expectedRepresentation == byte[].class && json != null && object != null && !(object instanceof MetaData)) {
            Written written = this.written.computeIfAbsent(object.getClass(),
                    type -> new Written(json.writerFor(type), delegate.typeForClass(type)));
            try {
                return (SerializedObject<T>) new SimpleSerializedObject<>(written.writer().writeValueAsBytes(object),
                        byte[].class, written.type());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new org.axonframework.serialization.SerializationException("Unable to serialize object", e);
            }
        }
        return delegate.serialize(object, expectedRepresentation);
    }

    @Override
    public <T> boolean canSerializeTo(Class<T> expectedRepresentation) {
        return delegate.canSerializeTo(expectedRepresentation);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class classForType(SerializedType type) {
        return delegate.classForType(type);
    }

    @Override
    public SerializedType typeForClass(Class type) {
        return delegate.typeForClass(type);
    }

    @Override
    public Converter getConverter() {
        return delegate.getConverter();
    }
}
