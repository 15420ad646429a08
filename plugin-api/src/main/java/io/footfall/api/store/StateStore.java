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

    /** What {@link #partKey} puts between a key and its part number. */
    String PART_MARK = "#part";

    /**
     * The key under which one part keeps its share of a figure several people add to: {@code key + "#part" + part}.
     * A plugin folded by person writes such a figure only under the key of its batch's part
     * ({@link io.footfall.api.plugin.EventBatch#part()}) and reads all of them with {@link #parts} — e.g. order counts
     * summed over the parts, a log read part by part, a high-water mark as the largest. The test kit recognises these
     * keys by the mark and lets two segments' parts differ from a one-segment fold's; everything else must be equal.
     *
     * @param key  the figure's key (at most 500 characters)
     * @param part the part, 0 or more
     * @return the part's key
     * @since 1.7
     */
    static String partKey(String key, int part) {
        if (part < 0) {
            throw new IllegalArgumentException("part must be 0 or more: " + part);
        }
        return key + PART_MARK + part;
    }

    /**
     * Every part's value of a figure written with {@link #partKey}, by part number, read together (the batch's own
     * pending writes included). The default lists the keys and reads them with {@link #getAll}.
     *
     * @param key the figure's key, without part
     * @return part → value, for the parts that have one (a mutable map the caller may keep)
     * @since 1.7
     */
    default Map<Integer, byte[]> parts(String key) {
        String prefix = key + PART_MARK;
        Map<Integer, byte[]> out = new java.util.TreeMap<>();
        List<String> keys = keys(prefix, 100_000).stream()
                .filter(k -> k.length() > prefix.length() && k.substring(prefix.length()).chars().allMatch(Character::isDigit))
                .toList();
        getAll(keys).forEach((k, v) -> out.put(Integer.parseInt(k.substring(prefix.length())), v));
        return out;
    }
}
