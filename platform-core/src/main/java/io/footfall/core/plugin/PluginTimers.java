package io.footfall.core.plugin;

import io.footfall.api.plugin.Timer;
import io.footfall.api.plugin.Timers;
import io.footfall.api.plugin.UserRef;
import io.footfall.api.store.TimersInState;
import io.footfall.core.keys.PersonOwners;
import io.footfall.core.profile.Identifiers;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.eventhandling.Segment;

/**
 * One plugin's timers (plugin SPI 1.9), kept in its state ({@link TimersInState}) so that they commit and roll back with
 * the call that set them.
 * <ul>
 *   <li>On one segment: remembers a lower bound of the earliest due time, so that a batch whose event time has not
 *       reached it costs no query; anything uncertain (start, a failed delivery) makes it unknown, which costs one.</li>
 *   <li>On several segments (a plugin folded by person): a segment fires only the timers of users whose person it folds
 *       now, as the person keyer keyed them ({@link PersonOwners}); so a timer follows its user to another segment when
 *       an identity merge or unmerge moves the person (ADR 0021 step 8). Every batch of every segment looks.</li>
 * </ul>
 */
final class PluginTimers implements Timers {

    /** Timers delivered per batch at most; the rest come with the next batches. */
    static final int PER_BATCH = 5_000;
    /** Due index keys a segment reads per batch on several segments, its own and other segments' users'. */
    static final int SCAN_PER_SEGMENT = 4 * PER_BATCH;
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final int segments;
    private final TimersInState stored;
    /** Who folds a user's person now; null on one segment. */
    private final PersonOwners owners;
    /** On one segment: no timer is due before this (epoch millis), or {@link #UNKNOWN}. */
    private volatile long earliest = UNKNOWN;

    PluginTimers(int segments, BufferedStateStore state, PersonOwners owners) {
        this.segments = segments;
        this.stored = new TimersInState(state.hostView());
        this.owners = segments > 1 ? java.util.Objects.requireNonNull(owners, "owners") : null;
    }

    @Override
    public void set(UserRef user, Instant at) {
        stored.set(user, at);
        lowerEarliest(at.toEpochMilli());
    }

    @Override
    public void clear(UserRef user) {
        stored.clear(user);
    }

    @Override
    public void setAll(Map<UserRef, java.util.Optional<Instant>> timers) {
        stored.setAll(timers);
        timers.values().forEach(at -> at.ifPresent(t -> lowerEarliest(t.toEpochMilli())));
    }

    private synchronized void lowerEarliest(long millis) {
        if (earliest != UNKNOWN && millis < earliest) {
            earliest = millis;
        }
    }

    /** Whether a timer may be due at this event time (a batch without events of the plugin's then needs a delivery). */
    boolean mayBeDue(long watermark) {
        return watermark != Long.MIN_VALUE && (segments > 1 || watermark >= earliest);
    }

    /**
     * The timers due at this event time that the batch may fire, removed from the state of the calling share.
     *
     * @param watermark the log's event time at the batch's end (epoch millis); {@link Long#MIN_VALUE}: none are due
     * @param position  on several segments: the log position the batch's segment has folded up to
     * @param segment   on several segments: the batch's segment
     */
    List<Timer> takeDue(long watermark, long position, Segment segment) {
        if (!mayBeDue(watermark)) {
            return List.of();
        }
        if (segments > 1) {
            return stored.take(watermark, SCAN_PER_SEGMENT, users -> foldedHere(users, position, segment)).due();
        }
        TimersInState.Taken taken = stored.take(watermark, PER_BATCH, users -> users);
        synchronized (this) {
            earliest = taken.next(); // UNKNOWN when the limit cut the due ones
        }
        return taken.due();
    }

    private Set<UserRef> foldedHere(Set<UserRef> users, long position, Segment segment) {
        Map<String, UserRef> byIdentifier = new LinkedHashMap<>();
        for (UserRef user : users) {
            byIdentifier.put(user.anonymous() ? Identifiers.anonymous(user.id()) : Identifiers.user(user.id()), user);
        }
        Map<String, PersonOwners.Owner> found = owners.of(byIdentifier.keySet());
        Set<UserRef> mine = new HashSet<>();
        for (Map.Entry<String, UserRef> e : byIdentifier.entrySet()) {
            // the earliest first (the users come in due order), at most a batch's worth
            if (mine.size() < PER_BATCH && found.get(e.getKey()).foldedBy(segment, position)) {
                mine.add(e.getValue());
            }
        }
        return mine;
    }

    /** Forgets the earliest due time: a delivery failed (what it took is back), or a replay cleared the state. */
    void forget() {
        earliest = UNKNOWN;
    }
}
