package io.footfall.collector.segment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** Derives Footfall's event id from the source and the client's message id. */
public final class EventIds {

    /** One MD5 digest per thread: {@code MessageDigest.getInstance} per event was a provider lookup each time. */
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    });
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private EventIds() {
    }

    /**
     * A name-based UUID of (source, messageId): the same message from the same source always gets the same id.
     * The text is exactly {@code UUID.nameUUIDFromBytes((sourceId + '\0' + messageId) as UTF-8).toString()}.
     */
    public static String of(String sourceId, String messageId) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        md5.update(sourceId.getBytes(StandardCharsets.UTF_8));
        md5.update((byte) 0);
        byte[] hash = md5.digest(messageId.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x30); // version 3
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        char[] text = new char[36];
        int c = 0;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                text[c++] = '-';
            }
            text[c++] = HEX[(hash[i] >> 4) & 0x0f];
            text[c++] = HEX[hash[i] & 0x0f];
        }
        return new String(text);
    }

    /** The reference derivation, kept for tests: what {@link #of} must always equal. */
    static String reference(String sourceId, String messageId) {
        return UUID.nameUUIDFromBytes((sourceId + '\u0000' + messageId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
