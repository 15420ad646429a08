package io.footfall.plugins.affinity;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One user's decayed category scores, all expressed as of {@link #asOf()}, and their compact binary form.
 *
 * <p>Scores decay exponentially with event time: a contribution {@code w} made at {@code t} is worth
 * {@code w · 2^(−(T − t) / halfLife)} at {@code T}. An event later than {@link #asOf()} first decays every
 * score to the event's time; an earlier (late-arriving) event adds its decayed weight without moving
 * {@code asOf}. Either way the result depends only on the events, never on the wall clock.
 *
 * <p>Encoding (big-endian, {@link DataOutputStream}): format byte {@value #FORMAT}, {@code asOf} epoch seconds
 * (long) and nanos (int), the number of categories (int), then per category in name order its name
 * (modified UTF-8) and score (double).
 */
final class CategoryScores {

    /** Version of the encoding. */
    static final byte FORMAT = 1;
    /** Scores that decay below this are dropped, so that state stays bounded. */
    static final double NEGLIGIBLE = 1e-6;
    /** Most categories kept per user; the weakest go first. */
    static final int MAX_CATEGORIES = 1_000;

    /** Best first, then by name, so that ties rank deterministically. */
    static final Comparator<Map.Entry<String, Double>> RANKING =
            Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

    private final TreeMap<String, Double> scores = new TreeMap<>();
    private Instant asOf;

    /** No scores yet. */
    CategoryScores() {
    }

    /** The instant the scores are expressed at, or null when there are none. */
    Instant asOf() {
        return asOf;
    }

    /** True when no category has a score. */
    boolean isEmpty() {
        return scores.isEmpty();
    }

    /** The scores by category name (read-only). */
    Map<String, Double> scores() {
        return Collections.unmodifiableMap(scores);
    }

    /** Adds a weight for a category at an event time. */
    void add(String category, double weight, Instant at, Duration halfLife) {
        if (asOf == null) {
            asOf = at;
        } else if (at.isAfter(asOf)) {
            decayTo(at, halfLife);
        } else if (at.isBefore(asOf)) {
            weight *= decay(Duration.between(at, asOf), halfLife);
        }
        scores.merge(category, weight, Double::sum);
        trim();
    }

    /** Adds another user's scores (e.g. an anonymous visitor's, once identified) to these. */
    void absorb(CategoryScores other, Duration halfLife) {
        if (other.isEmpty()) {
            return;
        }
        if (asOf == null || other.asOf.isAfter(asOf)) {
            if (asOf != null) {
                decayTo(other.asOf, halfLife);
            } else {
                asOf = other.asOf;
            }
        }
        double factor = decay(Duration.between(other.asOf, asOf), halfLife);
        other.scores.forEach((c, s) -> scores.merge(c, s * factor, Double::sum));
        trim();
    }

    /** The best {@code n} categories, best first, ties by name. */
    List<Map.Entry<String, Double>> top(int n) {
        List<Map.Entry<String, Double>> all = new ArrayList<>(scores.entrySet());
        all.sort(RANKING);
        return all.subList(0, Math.min(n, all.size()));
    }

    /** {@code 2^(−elapsed / halfLife)}. */
    static double decay(Duration elapsed, Duration halfLife) {
        double e = elapsed.getSeconds() + elapsed.getNano() / 1e9;
        double h = halfLife.getSeconds() + halfLife.getNano() / 1e9;
        return Math.pow(0.5, e / h);
    }

    private void decayTo(Instant at, Duration halfLife) {
        double factor = decay(Duration.between(asOf, at), halfLife);
        scores.replaceAll((c, s) -> s * factor);
        asOf = at;
    }

    private void trim() {
        scores.values().removeIf(s -> s < NEGLIGIBLE);
        if (scores.size() > MAX_CATEGORIES) {
            List<Map.Entry<String, Double>> ranked = new ArrayList<>(scores.entrySet());
            ranked.sort(RANKING);
            for (Map.Entry<String, Double> weakest : List.copyOf(ranked.subList(MAX_CATEGORIES, ranked.size()))) {
                scores.remove(weakest.getKey());
            }
        }
    }

    /** The binary form. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + scores.size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(asOf == null ? 0 : asOf.getEpochSecond());
            out.writeInt(asOf == null ? 0 : asOf.getNano());
            out.writeInt(scores.size());
            for (Map.Entry<String, Double> e : scores.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the binary form.
     *
     * @throws IllegalStateException when the bytes are not in a known format
     */
    static CategoryScores decode(byte[] bytes) {
        CategoryScores s = new CategoryScores();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown category-affinity state format " + format);
            }
            Instant asOf = Instant.ofEpochSecond(in.readLong(), in.readInt());
            int n = in.readInt();
            if (n < 0 || n > MAX_CATEGORIES) {
                throw new IllegalStateException("corrupt category-affinity state: " + n + " categories");
            }
            for (int i = 0; i < n; i++) {
                s.scores.put(in.readUTF(), in.readDouble());
            }
            s.asOf = n == 0 ? null : asOf;
        } catch (IOException e) {
            throw new IllegalStateException("corrupt category-affinity state", e);
        }
        return s;
    }
}
