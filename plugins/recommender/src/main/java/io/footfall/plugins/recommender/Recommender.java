package io.footfall.plugins.recommender;

/**
 * A collaborative model trained on an {@link Interactions} matrix that scores every item for a user. Higher scores
 * are better; callers exclude what the user already has.
 */
public interface Recommender {

    /** Short name, e.g. {@code ease}. */
    String name();

    /** Trains on the matrix (replacing any earlier training). */
    void fit(Interactions data);

    /**
     * Scores every item for a user given their interaction row: {@code items[k]} with weight {@code values[k]}, for
     * {@code k} in {@code [from, to)}. Users outside the training data are scored the same way (fold-in).
     *
     * @param out receives one score per item of the training matrix
     */
    void score(int[] items, double[] values, int from, int to, double[] out);

    /** Scores every item for training user {@code u}. */
    default void scoreUser(Interactions data, int u, double[] out) {
        score(data.rowItems(), data.rowValues(), data.rowStart(u), data.rowEnd(u), out);
    }
}
