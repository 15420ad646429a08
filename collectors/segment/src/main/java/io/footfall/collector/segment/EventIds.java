package io.footfall.collector.segment;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Derives Footfall's event id from the source and the client's message id. */
public final class EventIds {
    private EventIds() {
    }

    /** A name-based UUID of (source, messageId): the same message from the same source always gets the same id. */
    public static String of(String sourceId, String messageId) {
        return UUID.nameUUIDFromBytes((sourceId + '\u0000' + messageId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
