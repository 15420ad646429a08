package io.footfall.core.store;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;

/**
 * An event message that carries its row of the log's binary {@code COPY} stream, encoded ahead of the append
 * ({@link EventLog#encode}). The storage engine writes the row as it is instead of serialising the payload inside
 * the append, so a writer can encode one batch while the previous one commits (see docs/adr/0014-pipelined-ingest.md).
 * Copies made with other metadata are plain messages again and are encoded at the append, as usual.
 *
 * @param <T> the payload type
 */
public final class EncodedEventMessage<T> extends GenericEventMessage<T> {

    private final byte[] copyRow;
    private final org.axonframework.serialization.SerializedObject<byte[]> storedPayload;

    EncodedEventMessage(EventMessage<T> message, CopyEventStorageEngine.EncodedRow row) {
        super(message.getIdentifier(), message.getPayload(), message.getMetaData(), message.getTimestamp());
        this.copyRow = row.row();
        this.storedPayload = row.payload();
    }

    /** The payload as it is stored in the row (type, revision, bytes). */
    org.axonframework.serialization.SerializedObject<byte[]> storedPayload() {
        return storedPayload;
    }

    /** The encoded row; not copied, callers must not change it. */
    byte[] copyRow() {
        return copyRow;
    }

    /** The row's size in bytes. */
    public int encodedSize() {
        return copyRow.length;
    }

    @Override
    protected String describeType() {
        return "EncodedEventMessage";
    }
}
