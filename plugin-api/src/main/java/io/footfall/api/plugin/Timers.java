package io.footfall.api.plugin;

import io.footfall.api.Experimental;
import java.time.Instant;

/**
 * Timers in event time, one per user, kept by the host with the plugin's state ({@link PluginContext#timers()}): a
 * plugin that must act on a user when time passes without that user's events (a window of "3 views in 7 days" running
 * out, an expected repurchase not coming) sets a timer instead of keeping and scanning an index of its own. The host
 * calls {@link MiningPlugin#onTimers} once the log's event time ({@link PositionedEvent#watermark()}) reaches it — after
 * the events of the batch that moved the log's time there, in the same transaction, or in a batch of its own when the
 * plugin consumed none of that batch's events — and forgets it. Setting and clearing commit with the call that did
 * it (a batch, training), and a replay starts without timers. On a plugin folded by person on several segments
 * ({@link Partitioning#BY_PERSON}), a user's timer fires on the segment that folds the user's person at that point of
 * the log: it follows the person when an identity merge or unmerge moves it to another segment.
 *
 * <p>Timers fire at the end of a batch, so where batches end decides whether a user's timer fires before or after that
 * user's next event in the same batch. A plugin whose results must not depend on it (the host's batches are not the
 * test kit's, nor one segment's those of several) keeps the time it set in its own state and, when the user's event
 * comes at or after it, acts on it first, as of its own time ({@link Timer#at()}, not the batch's watermark); the
 * segmentation plugin does.
 *
 * <p>A timer set to a time the log has already reached fires soon after: at the end of the batch when set while
 * handling its events, with the next batch when set in {@code onTimers} or in training. At most 5,000 timers are delivered
 * per batch; later ones wait for the next. Timers are kept in the plugin's state under keys starting with
 * {@code "\u0001"}, which plugins cannot write; the test kit keeps them the same way.
 *
 * @since 1.9
 */
@Experimental("new in 1.9: where timers are stored and how many a batch delivers may change (ADR 0021 step 8)")
public interface Timers {

    /**
     * Sets the user's timer to {@code at} (truncated to the millisecond), replacing the user's earlier one. Reads the
     * earlier one: a plugin that sets timers for many users in a call uses {@link #setAll}, which reads them together.
     *
     * @param user whom the timer is for
     * @param at   when it is due, in event time, at or after 1970-01-01
     */
    void set(UserRef user, Instant at);

    /** Removes the user's timer, if any. */
    void clear(UserRef user);

    /**
     * Sets or clears several users' timers, reading their earlier ones together (the host: one query). The default
     * calls {@link #set} and {@link #clear} per user.
     *
     * @param timers user → when the user's timer is due; an empty value clears it
     */
    default void setAll(java.util.Map<UserRef, java.util.Optional<Instant>> timers) {
        timers.forEach((user, at) -> at.ifPresentOrElse(t -> set(user, t), () -> clear(user)));
    }
}
