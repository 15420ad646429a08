package io.footfall.plugins.recommender;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A bounded map item → score kept in the state, for co-visitation neighbours, category top lists and a user's
 * trained candidates; when it grows past twice its capacity it keeps its {@code capacity} best (ties by id), so
 * the result depends only on the order of updates, not on how they were batched.
 */
final class ScoredList {

    final int capacity;
    final Map<String, Double> scores = new HashMap<>();
    /** Free text per item (e.g. the item that explains a candidate), optional. */
    final Map<String, String> notes = new HashMap<>();

    ScoredList(int capacity) {
        this.capacity = capacity;
    }

    void add(String item, double delta) {
        scores.merge(item, delta, Double::sum);
        prune(capacity > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : 2 * capacity);
    }

    void set(String item, double score) {
        scores.put(item, score);
        prune(capacity > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : 2 * capacity);
    }

    /** Sets an item's score with a note (none: null), then keeps the bound. */
    void set(String item, double score, String note) {
        scores.put(item, score);
        if (note == null) {
            notes.remove(item);
        } else {
            notes.put(item, note);
        }
        prune(capacity > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : 2 * capacity);
    }

    private void prune(int limit) {
        if (scores.size() > limit) {
            List<String> keep = top(capacity).stream().map(Map.Entry::getKey).toList();
            scores.keySet().retainAll(keep);
            notes.keySet().retainAll(keep);
        }
    }

    /** Score descending, then id: a total order, since ids are unique. */
    static final Comparator<Map.Entry<String, Double>> BEST_FIRST = (a, b) -> {
        int byScore = Double.compare(b.getValue(), a.getValue());
        return byScore != 0 ? byScore : a.getKey().compareTo(b.getKey());
    };

    /**
     * The best n, score descending then id. A few of many (a recommendation list from hundreds of neighbours) are
     * picked with a heap of n, the rest by sorting everything: the same list either way, the order being total.
     */
    List<Map.Entry<String, Double>> top(int n) {
        if (n <= 0) {
            return new ArrayList<>();
        }
        if ((long) n * 4 >= scores.size()) {
            List<Map.Entry<String, Double>> all = new ArrayList<>(scores.entrySet());
            all.sort(BEST_FIRST);
            return all.size() > n ? new ArrayList<>(all.subList(0, n)) : all;
        }
        PriorityQueue<Map.Entry<String, Double>> worstFirst = new PriorityQueue<>(n + 1, BEST_FIRST.reversed());
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            if (worstFirst.size() < n) {
                worstFirst.add(e);
            } else if (BEST_FIRST.compare(e, worstFirst.peek()) < 0) {
                worstFirst.poll();
                worstFirst.add(e);
            }
        }
        List<Map.Entry<String, Double>> best = new ArrayList<>(worstFirst);
        best.sort(BEST_FIRST);
        return best;
    }

    /** How the shares of one list kept by several parts make the list. */
    enum Merge {
        /** Scores add up (co-visitation weights). */
        SUM,
        /** The highest score wins (popularity ranks, which only grow as weight is added to an item). */
        MAX,
        /** The entry whose note holds the latest time (epoch milliseconds) wins, then the higher score (trending). */
        LATEST
    }

    /**
     * The shares together, without bound: an item in several shares gets the scores combined as {@code how} says
     * (and the note of the share that gave its score; for {@link Merge#SUM}, the first share's that has one).
     */
    static ScoredList merge(List<ScoredList> shares, Merge how) {
        ScoredList out = new ScoredList(Integer.MAX_VALUE);
        for (ScoredList share : shares) {
            for (Map.Entry<String, Double> e : share.scores.entrySet()) {
                String item = e.getKey();
                double score = e.getValue();
                String note = share.notes.get(item);
                Double had = out.scores.get(item);
                if (had == null) {
                    out.scores.put(item, score);
                    if (note != null) {
                        out.notes.put(item, note);
                    }
                    continue;
                }
                boolean replace = switch (how) {
                    case SUM -> false;
                    case MAX -> score > had;
                    case LATEST -> {
                        int byTime = Long.compare(time(note), time(out.notes.get(item)));
                        yield byTime > 0 || byTime == 0 && score > had;
                    }
                };
                if (how == Merge.SUM) {
                    out.scores.put(item, had + score);
                    if (note != null) {
                        out.notes.putIfAbsent(item, note);
                    }
                } else if (replace) {
                    out.scores.put(item, score);
                    if (note != null) {
                        out.notes.put(item, note);
                    } else {
                        out.notes.remove(item);
                    }
                }
            }
        }
        return out;
    }

    /** A note read as a time (epoch milliseconds); none or not a number: the earliest. */
    static long time(String note) {
        if (note == null) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(note);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    byte[] encode() {
        return Codec.encode(out -> {
            out.writeByte(1);
            out.writeInt(capacity);
            List<Map.Entry<String, Double>> all = top(Integer.MAX_VALUE);
            out.writeInt(all.size());
            for (Map.Entry<String, Double> e : all) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
                Codec.writeNullable(out, notes.get(e.getKey()));
            }
        });
    }

    static ScoredList decode(byte[] bytes) {
        return Codec.decode(bytes, in -> {
            in.readByte();
            ScoredList s = new ScoredList(in.readInt());
            int n = in.readInt();
            for (int k = 0; k < n; k++) {
                String item = in.readUTF();
                s.scores.put(item, in.readDouble());
                String note = Codec.readNullable(in);
                if (note != null) {
                    s.notes.put(item, note);
                }
            }
            return s;
        });
    }
}
