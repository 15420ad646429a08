package io.footfall.core.store;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
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
 * safe; the profile projection and each plugin otherwise decoded every event again.</li>
 * </ul>
 */
final class StoredEventSerializer implements Serializer {

    private static final byte[] EMPTY = {'{', '}'};
    private static final String META_DATA = MetaData.class.getName();
    private static final int SLOTS = 8192;
    private static final int HASHED_PREFIX = 160;

    private record Slot(byte[] data, String type, String revision, Object value) {
    }

    private final Serializer delegate;
    private final AtomicReferenceArray<Slot> decoded = new AtomicReferenceArray<>(SLOTS);

    StoredEventSerializer(Serializer delegate) {
        this.delegate = delegate;
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
        Slot slot = decoded.get(index);
        if (slot != null && slot.type().equals(type) && java.util.Objects.equals(slot.revision(), revision)
                && Arrays.equals(slot.data(), bytes)) {
            return (T) slot.value();
        }
        T value = delegate.deserialize(serialized);
        if (value != null) {
            decoded.set(index, new Slot(bytes, type, revision, value));
        }
        return value;
    }

    private static int slot(byte[] bytes) {
        int h = bytes.length;
        int end = Math.min(bytes.length, HASHED_PREFIX);
        for (int i = 0; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        h ^= h >>> 16;
        return h & (SLOTS - 1);
    }

    @Override
    public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
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
