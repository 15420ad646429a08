package io.footfall.api.store;

import java.util.List;
import java.util.Optional;

/**
 * A durable key-value store private to one plugin. Writes made while handling a batch of events
 * commit together with the plugin's position in the log: after a crash the plugin resumes from a
 * state that matches its position.
 *
 * @since 0.1
 */
public interface StateStore {

    /** The value stored under the key. */
    Optional<byte[]> get(String key);

    /** Stores a value (at most 16 MB) under the key (at most 512 characters). */
    void put(String key, byte[] value);

    /** Removes the key. */
    void delete(String key);

    /** Keys starting with the prefix, sorted, at most {@code limit}. */
    List<String> keys(String prefix, int limit);
}
