package io.footfall.core.profile;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** The stored live profile of one person. */
@Entity
@Table(name = "profile")
public class ProfileEntity {
    @Id
    @Column(name = "person_id")
    public String personId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "last_seen")
    public Instant lastSeen;

    /** {@link ProfileState} as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "state", nullable = false)
    public String state;

    @Version
    public long version;
}
