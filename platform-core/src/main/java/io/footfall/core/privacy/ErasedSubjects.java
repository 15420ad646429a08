package io.footfall.core.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Identifiers of erased people, which projections skip (live and on replay).
 *
 * <p>Loaded once, then kept current from {@code erased_subject} at most every {@link #REFRESH} (the rows erased
 * since a little before the last newest one), so that an erasure done by another instance — which destroys the keys
 * and purges the rows there — is also skipped here within about a second, not only after a restart. An erasure done
 * by this instance is added at once ({@link #add}).
 */
@ApplicationScoped
public class ErasedSubjects {

    /** Longest time an erasure by another instance goes unseen here. */
    static final long REFRESH = TimeUnit.SECONDS.toNanos(1);
    /** Rows erased this long before the newest one seen are read again (an erasing transaction's time is its start). */
    private static final Duration OVERLAP = Duration.ofMinutes(10);

    @Inject
    DataSource dataSource;

    private volatile Set<String> erased;
    private volatile long nextRefresh;
    private Instant newest = Instant.EPOCH;

    /** True if this identifier was erased. */
    public boolean contains(String identifier) {
        if (identifier == null) {
            return false;
        }
        Set<String> set = erased();
        if (System.nanoTime() - nextRefresh > 0) {
            refresh();
        }
        return set.contains(identifier);
    }

    /** True if the event is about an erased person: its user id or its anonymous id was erased. */
    public boolean about(io.footfall.api.event.BehaviorEvent event) {
        return contains(io.footfall.core.profile.Identifiers.user(event.userId()))
                || contains(io.footfall.core.profile.Identifiers.anonymous(event.anonymousId()));
    }

    /** Records identifiers as erased once the erasing transaction committed. */
    public void add(Set<String> identifiers) {
        erased().addAll(identifiers);
    }

    private Set<String> erased() {
        Set<String> set = erased;
        if (set == null) {
            synchronized (this) {
                if (erased == null) {
                    Set<String> loaded = ConcurrentHashMap.newKeySet();
                    read(loaded, Instant.EPOCH);
                    erased = loaded;
                }
                set = erased;
            }
        }
        return set;
    }

    /** Reads the rows erased since a little before the newest one seen, once per {@link #REFRESH} across threads. */
    private synchronized void refresh() {
        if (System.nanoTime() - nextRefresh <= 0) {
            return;
        }
        try {
            read(erased, newest.minus(OVERLAP));
        } catch (IllegalStateException e) {
            // the next call tries again; what is known stays
        }
        nextRefresh = System.nanoTime() + REFRESH;
    }

    private synchronized void read(Set<String> into, Instant since) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT identifier, erased_at FROM erased_subject WHERE erased_at >= ?")) {
            select.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    into.add(rs.getString(1));
                    Instant at = rs.getTimestamp(2).toInstant();
                    if (at.isAfter(newest)) {
                        newest = at;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read erased subjects", e);
        }
    }
}
