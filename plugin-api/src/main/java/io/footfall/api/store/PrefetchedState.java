package io.footfall.api.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A state store whose values under some keys were read together, with one {@link StateStore#getAll}, before a
 * plugin's fold reads them one by one. For a plugin that loads what it needs lazily, key by key, but can name in
 * advance most of the keys a batch will read (the histories of the ids its events carry): each
 * {@link #get} of a prefetched key is then answered from memory instead of costing the host a query.
 * <p>
 * Reads of other keys, and every write, go to the underlying store; writes also update the prefetched values, so the
 * view reads its own writes as the store does. Use one view per batch, from the batch's own store, and drop it with
 * the batch: values another writer stores meanwhile are not seen (within a batch there is none).
 *
 * @since 1.4
 */
public final class PrefetchedState implements StateStore {

    private final StateStore store;
    private final Set<String> prefetched;
    private final Map<String, byte[]> values;

    private PrefetchedState(StateStore store, Set<String> prefetched, Map<String, byte[]> values) {
        this.store = store;
        this.prefetched = prefetched;
        this.values = values;
    }

    /**
     * Reads the keys together and answers later reads of them from what was read.
     *
     * @param store the batch's store
     * @param keys  the keys the fold is expected to read (keys it does not read cost nothing more than their share
     *              of the one query)
     * @return the view
     */
    public static PrefetchedState of(StateStore store, Collection<String> keys) {
        Set<String> wanted = new HashSet<>(keys);
        Map<String, byte[]> values = wanted.isEmpty() ? new HashMap<>() : new HashMap<>(store.getAll(wanted));
        return new PrefetchedState(store, wanted, values);
    }

    /** Whether the key was read in advance. */
    public boolean prefetched(String key) {
        return prefetched.contains(key);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return prefetched.contains(key) ? Optional.ofNullable(values.get(key)) : store.get(key);
    }

    @Override
    public Map<String, byte[]> getAll(Collection<String> keys) {
        Map<String, byte[]> out = new HashMap<>();
        List<String> rest = new ArrayList<>();
        for (String key : keys) {
            if (!prefetched.contains(key)) {
                rest.add(key);
            } else if (values.containsKey(key)) {
                out.put(key, values.get(key));
            }
        }
        if (!rest.isEmpty()) {
            out.putAll(store.getAll(rest));
        }
        return out;
    }

    @Override
    public void put(String key, byte[] value) {
        store.put(key, value);
        if (prefetched.contains(key)) {
            values.put(key, value);
        }
    }

    @Override
    public void delete(String key) {
        store.delete(key);
        values.remove(key);
    }

    @Override
    public List<String> keys(String prefix, int limit) {
        return store.keys(prefix, limit);
    }
}
