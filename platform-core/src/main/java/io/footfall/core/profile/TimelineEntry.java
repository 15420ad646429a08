package io.footfall.core.profile;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** One event of one identifier, by its position in the log. */
@Entity
@Table(name = "profile_timeline")
@IdClass(TimelineEntry.Key.class)
public class TimelineEntry {
    @Id
    public String identifier;

    @Id
    @Column(name = "global_index")
    public long globalIndex;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    /** The composite key. */
    public static class Key implements Serializable {
        public String identifier;
        public long globalIndex;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.globalIndex == globalIndex && k.identifier.equals(identifier);
        }

        @Override
        public int hashCode() {
            return identifier.hashCode() * 31 + Long.hashCode(globalIndex);
        }
    }
}
