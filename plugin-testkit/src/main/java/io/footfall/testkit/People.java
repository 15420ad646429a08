package io.footfall.testkit;

import io.footfall.api.event.BehaviorEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * People in a list of events, as a plugin folded by person sees them: identifiers that an event names together (a
 * user id and an anonymous id, an alias's previous id) are one person. Coarser than the host's person keys, which
 * follow the log (a person merged late is two keys before the merge), and so a valid split for any log. Tests of a
 * plugin folded by person use it to feed each segment its people ({@link PluginHarness#feedSegment}).
 *
 * @since 1.8
 */
public final class People {

    private People() {
    }

    /**
     * The events split over {@code segments} lists by person, each person's in the given order.
     *
     * @param events   the events, in log order
     * @param segments how many lists
     * @return one list per segment
     */
    public static List<List<BehaviorEvent>> split(List<BehaviorEvent> events, int segments) {
        return split(events, segments, e -> e);
    }

    /**
     * Items carrying events (such as {@link io.footfall.api.plugin.PositionedEvent}s) split over {@code segments} lists by
     * their events' people, each person's in the given order.
     *
     * @param items    the items, in log order
     * @param segments how many lists
     * @param eventOf  the event of an item
     * @param <T>      the item type
     * @return one list per segment
     */
    public static <T> List<List<T>> split(List<T> items, int segments, java.util.function.Function<T, BehaviorEvent> eventOf) {
        List<BehaviorEvent> events = items.stream().map(eventOf).toList();
        Map<String, String> parent = new HashMap<>();
        for (BehaviorEvent e : events) {
            String first = null;
            for (String id : new String[] {e.userId(), e.anonymousId(), e.previousId()}) {
                if (id == null || id.isBlank()) {
                    continue;
                }
                parent.putIfAbsent(id, id);
                if (first == null) {
                    first = id;
                } else {
                    union(parent, first, id);
                }
            }
        }
        List<List<T>> split = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            split.add(new ArrayList<>());
        }
        for (T item : items) {
            String id = eventOf.apply(item).primaryId();
            String person = id == null || !parent.containsKey(id) ? "" : root(parent, id);
            split.get(Math.floorMod(person.hashCode(), segments)).add(item);
        }
        return split;
    }

    private static String root(Map<String, String> parent, String id) {
        String r = id;
        while (!parent.get(r).equals(r)) {
            r = parent.get(r);
        }
        // path compression
        for (String at = id; !at.equals(r); ) {
            String up = parent.get(at);
            parent.put(at, r);
            at = up;
        }
        return r;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = root(parent, a);
        String rb = root(parent, b);
        if (!ra.equals(rb)) {
            // the smaller name is the root, so the split does not depend on the order of the events
            if (ra.compareTo(rb) < 0) {
                parent.put(rb, ra);
            } else {
                parent.put(ra, rb);
            }
        }
    }
}
