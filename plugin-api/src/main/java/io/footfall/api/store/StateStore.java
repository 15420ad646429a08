package io.footfall.api.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The values stored under several keys, read together: the host answers with one query instead of one per key,
     * so a plugin that needs the state of every user of a batch reads it with one call. Keys without a value are
     * absent from the map. Sees the batch's own pending writes, as {@link #get} does. The default reads the keys one
     * by one.
     *
     * @param keys the keys (duplicates are read once)
     * @return key → stored value, for the keys that have one (a mutable map the caller may keep)
     * @since 1.3
     */
    default Map<String, byte[]> getAll(Collection<String> keys) {
        Map<String, byte[]> out = new HashMap<>();
        for (String key : keys) {
            if (!out.containsKey(key)) {
                get(key).ifPresent(value -> out.put(key, value));
            }
        }
        return out;
    }

    /** Stores a value (at most 16 MB) under the key (at most 512 characters). */
    void put(String key, byte[] value);

    /** Removes the key. */
    void delete(String key);

    /** Keys starting with the prefix, sorted, at most {@code limit}. */
    List<String> keys(String prefix, int limit);
}
