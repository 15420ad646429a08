package io.footfall.plugins.churn;

import io.footfall.api.event.BehaviorEvent;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Folds events into per-person {@link UserHistory}s, keyed by {@link BehaviorEvent#primaryId()}, with identity
 * stitching: the first event that carries both a user id and another anonymous id moves the anonymous visitor's
 * history into the user's. The same code folds the live stream ({@code onEvents}, with histories loaded from the
 * state on first use) and the training history (all in memory), so that training and serving see the same features.
 */
final class Histories {

    private final Function<String, UserHistory> loader;
    private final Map<String, UserHistory> touched = new LinkedHashMap<>();
    private final Set<String> absorbed = new LinkedHashSet<>();
    private final Set<String> identified = new LinkedHashSet<>();

    /** @param loader the stored history of an id, or null; called at most once per id */
    Histories(Function<String, UserHistory> loader) {
        this.loader = loader;
    }

    /** Folds one event in. */
    void add(BehaviorEvent e) {
        String user = e.primaryId();
        String anonymous = e.anonymousId();
        boolean hasUser = e.userId() != null && !e.userId().isBlank();
        if (hasUser) {
            identified.add(user);
            if (anonymous != null && !anonymous.isBlank() && !anonymous.equals(user)) {
                UserHistory visitor = take(anonymous);
                if (visitor != null && !visitor.isEmpty()) {
                    get(user).absorb(visitor);
                    absorbed.add(anonymous);
                }
            }
        }
        get(user).add(e);
    }

    private UserHistory take(String id) {
        if (touched.containsKey(id)) {
            return touched.remove(id);
        }
        if (absorbed.contains(id)) {
            return null;
        }
        return loader.apply(id);
    }

    /** The history of an id, loaded or created. */
    UserHistory get(String id) {
        UserHistory h = touched.get(id);
        if (h == null) {
            h = absorbed.contains(id) ? null : loader.apply(id);
            h = h == null ? new UserHistory() : h;
            absorbed.remove(id);
            touched.put(id, h);
        }
        return h;
    }

    /** Histories changed or created, by id, in first-touch order. */
    Map<String, UserHistory> touched() {
        return touched;
    }

    /** Anonymous ids whose history moved to a user (to delete from storage). */
    Set<String> absorbed() {
        return absorbed;
    }

    /** Ids that appeared as a user id (known customers), in first-seen order. */
    Set<String> identified() {
        return identified;
    }
}
