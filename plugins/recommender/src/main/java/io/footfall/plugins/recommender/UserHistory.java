package io.footfall.plugins.recommender;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the plugin keeps per user: the most recent distinct items with the strongest kind of interaction and its
 * latest time (bounded, newest first), and the purchased items (bounded, newest first).
 */
final class UserHistory {

    /** Most distinct recent items kept. */
    static final int MAX_RECENT = 50;
    /** Most purchased items kept. */
    static final int MAX_PURCHASED = 200;

    /**
     * One recent item.
     *
     * @param item     product id
     * @param category its category, or null
     * @param weight   strongest interaction weight seen (view 1, cart 3, purchase 5)
     * @param time     latest interaction (epoch ms)
     */
    record Entry(String item, String category, double weight, long time) {
    }

    final List<Entry> recent = new ArrayList<>();
    final List<String> purchased = new ArrayList<>();

    /** Records an interaction: the item moves to the front. */
    void add(String item, String category, double weight, long time) {
        double w = weight;
        String c = category;
        for (int k = 0; k < recent.size(); k++) {
            Entry e = recent.get(k);
            if (e.item().equals(item)) {
                w = Math.max(w, e.weight());
                c = c != null ? c : e.category();
                time = Math.max(time, e.time());
                recent.remove(k);
                break;
            }
        }
        recent.add(0, new Entry(item, c, w, time));
        recent.sort(Comparator.comparingLong(Entry::time).reversed());
        while (recent.size() > MAX_RECENT) {
            recent.remove(recent.size() - 1);
        }
    }

    void purchased(String item) {
        purchased.remove(item);
        purchased.add(0, item);
        while (purchased.size() > MAX_PURCHASED) {
            purchased.remove(purchased.size() - 1);
        }
    }

    /** Merges another person's (an anonymous visitor's) history into this one. */
    void merge(UserHistory other) {
        for (int k = other.recent.size() - 1; k >= 0; k--) {
            Entry e = other.recent.get(k);
            add(e.item(), e.category(), e.weight(), e.time());
        }
        for (int k = other.purchased.size() - 1; k >= 0; k--) {
            if (!purchased.contains(other.purchased.get(k))) {
                purchased(other.purchased.get(k));
            }
        }
    }

    /** Category → summed weight over the recent items. */
    Map<String, Double> categoryWeights() {
        Map<String, Double> w = new LinkedHashMap<>();
        for (Entry e : recent) {
            if (e.category() != null) {
                w.merge(e.category(), e.weight(), Double::sum);
            }
        }
        return w;
    }

    byte[] encode() {
        return Codec.encode(out -> {
            out.writeByte(1);
            out.writeShort(recent.size());
            for (Entry e : recent) {
                out.writeUTF(e.item());
                Codec.writeNullable(out, e.category());
                out.writeDouble(e.weight());
                out.writeLong(e.time());
            }
            out.writeShort(purchased.size());
            for (String p : purchased) {
                out.writeUTF(p);
            }
        });
    }

    static UserHistory decode(byte[] bytes) {
        return Codec.decode(bytes, in -> {
            UserHistory h = new UserHistory();
            in.readByte();
            int n = in.readShort();
            for (int k = 0; k < n; k++) {
                h.recent.add(new Entry(in.readUTF(), Codec.readNullable(in), in.readDouble(), in.readLong()));
            }
            int p = in.readShort();
            for (int k = 0; k < p; k++) {
                h.purchased.add(in.readUTF());
            }
            return h;
        });
    }
}
