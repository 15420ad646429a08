package io.footfall.core.store;

/**
 * Personal data of one event, encrypted (AES-256-GCM) with the key of the person it belongs to.
 * Once that key is destroyed (erasure) the bytes are unreadable.
 *
 * @param subject the identity whose key sealed it, e.g. {@code user:42} or {@code anon:abc}
 * @param sealed  12-byte nonce followed by the ciphertext and tag
 */
public record SealedPersonalData(String subject, byte[] sealed) {
}
